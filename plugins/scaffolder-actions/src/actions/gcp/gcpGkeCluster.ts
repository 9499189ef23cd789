import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { Plan, startGcpRun } from './gcpRun';
import { examples } from './gcpGkeCluster.examples';
import {
  commonInput,
  labelsInput,
  resourceName,
  schemaOf,
  stateInput,
} from './inputProperties';
import { commonOutput } from './outputProperties';

export const GKE_CLUSTER_ACTION_ID = 'gcp:gke:cluster';

/** The seed's node pool scopes: logs and metrics only. */
export const DEFAULT_OAUTH_SCOPES = [
  'https://www.googleapis.com/auth/logging.write',
  'https://www.googleapis.com/auth/monitoring',
];

type Taint = {
  key: string;
  value: string;
  effect: 'NO_SCHEDULE' | 'PREFER_NO_SCHEDULE' | 'NO_EXECUTE';
};

type NodePoolInput = {
  name: string;
  machineType: string;
  spot: boolean;
  minNodeCount: number;
  maxNodeCount: number;
  diskSizeGb: number;
  labels?: Record<string, string>;
  taints: Taint[];
  oauthScopes: string[];
  tags?: string[];
};

type Input = {
  projectId?: string;
  name: string;
  location: string;
  environment?: string;
  network?: string;
  subnetwork?: string;
  releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE';
  versionPrefix: string;
  networkPolicy: boolean;
  workloadIdentity: boolean;
  nodePools?: NodePoolInput[];
  resourceLabels?: Record<string, string>;
  state: 'present' | 'absent';
};

const nodePoolSchema = (z: any) =>
  z.object({
    name: resourceName(z, 'Node pool name.'),
    machineType: z
      .string()
      .min(1)
      .describe('Compute Engine machine type, e.g. e2-medium.'),
    spot: z
      .boolean()
      .default(false)
      .describe('Use Spot VMs (cannot be changed in place).'),
    minNodeCount: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .describe('Autoscaling minimum (per zone); also the initial size.'),
    maxNodeCount: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .describe('Autoscaling maximum (per zone).'),
    diskSizeGb: z
      .number()
      .int()
      .min(10)
      .max(65536)
      .default(50)
      .describe('Boot disk size in GB.'),
    labels: z
      .record(z.string(), z.string())
      .optional()
      .describe('Kubernetes node labels.'),
    taints: z
      .array(
        z.object({
          key: z.string().min(1).describe('Taint key.'),
          value: z.string().describe('Taint value.'),
          effect: z
            .enum(['NO_SCHEDULE', 'PREFER_NO_SCHEDULE', 'NO_EXECUTE'])
            .default('NO_SCHEDULE')
            .describe('Taint effect.'),
        }),
      )
      .default([])
      .describe('Kubernetes node taints.'),
    oauthScopes: z
      .array(z.string().url())
      .default(DEFAULT_OAUTH_SCOPES)
      .describe('OAuth scopes of the nodes (cannot be changed in place).'),
    tags: z
      .array(z.string())
      .optional()
      .describe(
        'Network tags of the nodes (firewall targets). Defaults to gke-node and <environment>-gke.',
      ),
  });

const inputSchema = schemaOf((z: any) =>
  z
    .object({
      ...commonInput(z),
      name: resourceName(z, 'Cluster name, e.g. dev-gke.'),
      location: z
        .string()
        .regex(
          /^[a-z]+-[a-z]+\d+(-[a-z])?$/,
          'must be a region (europe-west3) or a zone (europe-west3-c)',
        )
        .default('europe-west3-c')
        .describe('Zone (zonal cluster) or region (regional cluster).'),
      environment: z
        .string()
        .optional()
        .describe(
          'Environment (system) name used in default labels, tags, network names. Defaults to the cluster name without "-gke".',
        ),
      network: z
        .string()
        .optional()
        .describe('VPC network name. Defaults to <environment>-vpc.'),
      subnetwork: z
        .string()
        .optional()
        .describe('Subnetwork name. Defaults to <environment>-subnet.'),
      releaseChannel: z
        .enum(['RAPID', 'REGULAR', 'STABLE'])
        .default('REGULAR')
        .describe('GKE release channel.'),
      versionPrefix: z
        .string()
        .regex(/^\d+\.\d+\.?(\d+.*)?$/, 'must look like 1.33. or 1.33.4')
        .default('1.33.')
        .describe(
          'Kubernetes version prefix, resolved against the versions the channel offers at the location.',
        ),
      networkPolicy: z
        .boolean()
        .default(true)
        .describe('Enforce Kubernetes NetworkPolicy (Calico).'),
      workloadIdentity: z
        .boolean()
        .default(true)
        .describe(
          'Enable Workload Identity (pool <project>.svc.id.goog); preferred over JSON keys.',
        ),
      nodePools: z
        .array(nodePoolSchema(z))
        .optional()
        .describe(
          'Node pools. Defaults to the seed pools: base (e2-medium, 3-6), workspace-spot and workspace (t2d-standard-2, 0-10, tainted).',
        ),
      resourceLabels: labelsInput(z),
      state: stateInput(z, 'cluster'),
    })
    .superRefine((v: Input, ctx: any) => {
      (v.nodePools ?? []).forEach((p, i) => {
        if (p.minNodeCount > p.maxNodeCount) {
          ctx.addIssue({
            code: 'custom',
            path: ['nodePools', i, 'maxNodeCount'],
            message: 'must be at least minNodeCount',
          });
        }
      });
      const names = (v.nodePools ?? []).map(p => p.name);
      if (new Set(names).size !== names.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodePools'],
          message: 'node pool names must be unique',
        });
      }
    }),
);

/** The seed's three node pools for an environment. */
export function defaultNodePools(environment: string): NodePoolInput[] {
  const workspace = (name: string, spot: boolean): NodePoolInput => ({
    name,
    machineType: 't2d-standard-2',
    spot,
    minNodeCount: 0,
    maxNodeCount: 10,
    diskSizeGb: 50,
    labels: {
      'coder-development-cluster/env': environment,
      'coder-development-cluster/workspace': 'true',
    },
    taints: [
      {
        key: 'coder-development-cluster/workspace',
        value: 'true',
        effect: 'NO_SCHEDULE',
      },
    ],
    oauthScopes: DEFAULT_OAUTH_SCOPES,
  });
  return [
    {
      name: 'base',
      machineType: 'e2-medium',
      spot: false,
      minNodeCount: 3,
      maxNodeCount: 6,
      diskSizeGb: 50,
      labels: { env: environment },
      taints: [],
      oauthScopes: DEFAULT_OAUTH_SCOPES,
    },
    workspace('workspace-spot', true),
    workspace('workspace', false),
  ];
}

const sortedEntries = (r?: Record<string, string> | null) =>
  JSON.stringify(
    Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  );
const taintKey = (t: {
  key?: string | null;
  value?: string | null;
  effect?: unknown;
}) => `${t.key}=${t.value ?? ''}:${t.effect}`;
const sameList = (a: string[] = [], b: string[] = []) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const lastSegment = (s?: string | null) =>
  String(s ?? '')
    .split('/')
    .pop() ?? '';

/** Creates the `gcp:gke:cluster` action. */
export function createGcpGkeClusterAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: GKE_CLUSTER_ACTION_ID,
    description:
      'Creates or updates a GKE cluster with its node pools (zonal or regional, release channel, version prefix, Calico network policy, Workload Identity), waits on the operation and outputs the endpoint and CA. With state: absent, deletes it.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          name: z.string().describe('Cluster name.'),
          location: z.string().describe('Cluster location (zone or region).'),
          resourceName: z
            .string()
            .describe(
              'GKE resource name projects/<project>/locations/<location>/clusters/<name>: the `cluster` input of the in-cluster actions (the backend reads endpoint and CA from GKE itself). Also output in a dry run and with state: absent.',
            ),
          endpoint: z
            .string()
            .optional()
            .describe(
              'IP address of the Kubernetes API server (absent in a dry run before creation).',
            ),
          clusterCaCertificate: z
            .string()
            .optional()
            .describe('Base64 PEM of the cluster CA (public, for kubeconfig).'),
          currentMasterVersion: z
            .string()
            .optional()
            .describe('Kubernetes version of the control plane.'),
          workloadPool: z
            .string()
            .optional()
            .describe(
              'Workload Identity pool, if enabled (in a dry run: the pool the cluster will have, <project>.svc.id.goog).',
            ),
          kubeconfigContext: z
            .string()
            .optional()
            .describe(
              'Context name gcloud would use: gke_<project>_<location>_<name>.',
            ),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: GKE_CLUSTER_ACTION_ID,
          inputSchema,
          api: 'container.googleapis.com',
        },
      );
      const environment = input.environment ?? input.name.replace(/-gke$/, '');
      const parent = `projects/${projectId}/locations/${input.location}`;
      const clusterName = `${parent}/clusters/${input.name}`;
      const resource = `GKE cluster ${input.name} (${input.location})`;
      const gke = clients.clusterManager();
      try {
        const waitOp = async (what: string, opName: string) =>
          run.waitFor(what, async () => {
            const [op] = await gke.getOperation({
              name: `${parent}/operations/${opName}`,
            });
            return {
              done: op.status === 'DONE',
              error: op.error?.message || undefined,
              progress: op.progress?.stages?.length
                ? `${
                    op.progress.stages.filter(s => s.status === 'DONE').length
                  }/${op.progress.stages.length} stages`
                : undefined,
            };
          });
        const getCluster = () =>
          run.readOptional(
            `get ${resource}`,
            async () => (await gke.getCluster({ name: clusterName }))[0],
          );

        let cluster = await getCluster();

        // A cluster an earlier run left being created or updated (the task
        // re-run from the start, or the wait was cut off): wait on its
        // running operations before reading what to change or outputting
        // an endpoint the next steps would use too early.
        if (
          cluster &&
          !run.dryRun &&
          ['PROVISIONING', 'RECONCILING'].includes(String(cluster.status))
        ) {
          const selfLink = String(cluster.selfLink ?? '');
          const [list] = await run.read(`list operations of ${resource}`, () =>
            gke.listOperations({ parent }),
          );
          const running = (list.operations ?? []).filter(
            op =>
              op.status !== 'DONE' &&
              selfLink !== '' &&
              (op.targetLink === selfLink ||
                String(op.targetLink ?? '').startsWith(`${selfLink}/`)),
          );
          run.logger.info(
            `${resource} is ${cluster.status}; waiting on ${running.length} running operation(s)`,
          );
          for (const op of running)
            await waitOp(
              `finish ${op.operationType ?? 'operation'} of ${resource}`,
              String(op.name),
            );
          cluster = await getCluster();
        }

        if (input.state === 'absent') {
          run.plan(resource, cluster ? { kind: 'delete' } : { kind: 'absent' });
          if (cluster && !run.dryRun) {
            const opName = await run.mutate(
              `${GKE_CLUSTER_ACTION_ID}:${clusterName}:delete`,
              `delete ${resource}`,
              async () =>
                String(
                  (
                    await gke.deleteCluster({ name: clusterName })
                  )[0].name,
                ),
            );
            await waitOp(`delete ${resource}`, opName);
          }
          ctx.output('projectId', projectId);
          ctx.output('name', input.name);
          ctx.output('location', input.location);
          ctx.output('resourceName', clusterName);
          ctx.output('changed', !!cluster && !run.dryRun);
          return;
        }

        const pools = input.nodePools ?? defaultNodePools(environment);
        const tagsOf = (p: NodePoolInput) =>
          p.tags ?? ['gke-node', `${environment}-gke`];
        const network = input.network ?? `${environment}-vpc`;
        const subnetwork = input.subnetwork ?? `${environment}-subnet`;
        const workloadPool = `${projectId}.svc.id.goog`;
        const nodePoolSpec = (p: NodePoolInput) => ({
          name: p.name,
          initialNodeCount: p.minNodeCount,
          autoscaling: {
            enabled: true,
            minNodeCount: p.minNodeCount,
            maxNodeCount: p.maxNodeCount,
            locationPolicy: 'ANY' as const,
          },
          management: { autoRepair: true, autoUpgrade: true },
          config: {
            machineType: p.machineType,
            diskSizeGb: p.diskSizeGb,
            oauthScopes: p.oauthScopes,
            labels: p.labels ?? {},
            taints: p.taints,
            tags: tagsOf(p),
            spot: p.spot,
            metadata: { 'disable-legacy-endpoints': 'true' },
            ...(input.workloadIdentity
              ? { workloadMetadataConfig: { mode: 'GKE_METADATA' as const } }
              : {}),
          },
        });

        if (!cluster) {
          const [config] = await run.read(
            `read GKE server config for ${input.location}`,
            () => gke.getServerConfig({ name: parent }),
          );
          const channel = (config.channels ?? []).find(
            c => c.channel === input.releaseChannel,
          );
          const offered = (channel?.validVersions ??
            config.validMasterVersions ??
            []) as string[];
          const version = offered.find(v => v.startsWith(input.versionPrefix));
          if (!version) {
            throw new InputError(
              `versionPrefix: no GKE version starting with '${
                input.versionPrefix
              }' in the ${input.releaseChannel} channel at ${
                input.location
              }; offered: ${offered.join(', ') || 'none'}`,
            );
          }
          run.plan(resource, { kind: 'create' });
          run.logger.info(
            `${
              run.dryRun ? '[dry run] ' : ''
            }${resource}: version ${version} (${
              input.releaseChannel
            }), network ${network}/${subnetwork}, node pools ${pools
              .map(
                p =>
                  `${p.name} ${p.machineType}${p.spot ? ' spot' : ''} ${
                    p.minNodeCount
                  }-${p.maxNodeCount}`,
              )
              .join('; ')}`,
          );
          if (!run.dryRun) {
            const opName = await run.mutate(
              `${GKE_CLUSTER_ACTION_ID}:${clusterName}:create`,
              `create ${resource}`,
              async () => {
                const [op] = await gke.createCluster({
                  parent,
                  cluster: {
                    name: input.name,
                    network,
                    subnetwork,
                    initialClusterVersion: version,
                    releaseChannel: { channel: input.releaseChannel },
                    ipAllocationPolicy: { useIpAliases: true },
                    addonsConfig: {
                      networkPolicyConfig: { disabled: !input.networkPolicy },
                    },
                    networkPolicy: input.networkPolicy
                      ? { enabled: true, provider: 'CALICO' }
                      : { enabled: false },
                    ...(input.workloadIdentity
                      ? { workloadIdentityConfig: { workloadPool } }
                      : {}),
                    resourceLabels: input.resourceLabels ?? {},
                    nodePools: pools.map(nodePoolSpec),
                  },
                });
                return String(op.name);
              },
            );
            await waitOp(`create ${resource}`, opName);
            cluster = await getCluster();
          }
        } else {
          if (network !== lastSegment(cluster.network)) {
            throw new InputError(
              `network: ${resource} uses network '${lastSegment(
                cluster.network,
              )}'; the network cannot be changed in place`,
            );
          }
          if (subnetwork !== lastSegment(cluster.subnetwork)) {
            throw new InputError(
              `subnetwork: ${resource} uses subnetwork '${lastSegment(
                cluster.subnetwork,
              )}'; it cannot be changed in place`,
            );
          }
          if (!cluster.currentMasterVersion?.startsWith(input.versionPrefix)) {
            run.logger.warn(
              `${resource}: runs ${cluster.currentMasterVersion}, not ${input.versionPrefix}*; upgrades follow the ${input.releaseChannel} channel (this action does not change versions of an existing cluster)`,
            );
          }
          type Step = {
            field: string;
            key: string;
            apply: () => Promise<string>;
          };
          const steps: Step[] = [];
          const existing = cluster;
          if (
            (existing.releaseChannel?.channel ?? 'UNSPECIFIED') !==
            input.releaseChannel
          ) {
            steps.push({
              field: 'releaseChannel',
              key: 'release-channel',
              apply: async () =>
                String(
                  (
                    await gke.updateCluster({
                      name: clusterName,
                      update: {
                        desiredReleaseChannel: {
                          channel: input.releaseChannel,
                        },
                      },
                    })
                  )[0].name,
                ),
            });
          }
          const hasWorkloadPool =
            existing.workloadIdentityConfig?.workloadPool === workloadPool;
          if (input.workloadIdentity !== hasWorkloadPool) {
            steps.push({
              field: 'workloadIdentity',
              key: 'workload-identity',
              apply: async () =>
                String(
                  (
                    await gke.updateCluster({
                      name: clusterName,
                      update: {
                        desiredWorkloadIdentityConfig: {
                          workloadPool: input.workloadIdentity
                            ? workloadPool
                            : '',
                        },
                      },
                    })
                  )[0].name,
                ),
            });
          }
          const policyEnabled = !!existing.networkPolicy?.enabled;
          if (policyEnabled !== input.networkPolicy) {
            if (
              input.networkPolicy &&
              existing.addonsConfig?.networkPolicyConfig?.disabled !== false
            ) {
              steps.push({
                field: 'networkPolicy (addon)',
                key: 'network-policy-addon',
                apply: async () =>
                  String(
                    (
                      await gke.updateCluster({
                        name: clusterName,
                        update: {
                          desiredAddonsConfig: {
                            networkPolicyConfig: { disabled: false },
                          },
                        },
                      })
                    )[0].name,
                  ),
              });
            }
            steps.push({
              field: 'networkPolicy',
              key: 'network-policy',
              apply: async () =>
                String(
                  (
                    await gke.setNetworkPolicy({
                      name: clusterName,
                      networkPolicy: input.networkPolicy
                        ? { enabled: true, provider: 'CALICO' }
                        : { enabled: false },
                    })
                  )[0].name,
                ),
            });
          }
          const existingPools = existing.nodePools ?? [];
          pools.forEach((p, i) => {
            const current = existingPools.find(e => e.name === p.name);
            const poolName = `${clusterName}/nodePools/${p.name}`;
            if (!current) {
              steps.push({
                field: `nodePools.${p.name} (create)`,
                key: `pool:${p.name}:create`,
                apply: async () =>
                  String(
                    (
                      await gke.createNodePool({
                        parent: clusterName,
                        nodePool: nodePoolSpec(p),
                      })
                    )[0].name,
                  ),
              });
              return;
            }
            const cfg = current.config ?? {};
            if (!!cfg.spot !== p.spot) {
              throw new InputError(
                `nodePools[${i}].spot: pool ${
                  p.name
                } has spot=${!!cfg.spot}; this cannot change in place (create a pool with another name)`,
              );
            }
            if (!sameList(cfg.oauthScopes ?? [], p.oauthScopes)) {
              throw new InputError(
                `nodePools[${i}].oauthScopes: pool ${p.name} has other scopes; they cannot change in place (create a pool with another name)`,
              );
            }
            const a = current.autoscaling ?? {};
            if (
              !a.enabled ||
              a.minNodeCount !== p.minNodeCount ||
              a.maxNodeCount !== p.maxNodeCount
            ) {
              steps.push({
                field: `nodePools.${p.name}.autoscaling`,
                key: `pool:${p.name}:autoscaling`,
                apply: async () =>
                  String(
                    (
                      await gke.setNodePoolAutoscaling({
                        name: poolName,
                        autoscaling: {
                          enabled: true,
                          minNodeCount: p.minNodeCount,
                          maxNodeCount: p.maxNodeCount,
                          locationPolicy: 'ANY',
                        },
                      })
                    )[0].name,
                  ),
              });
            }
            const changed: string[] = [];
            if (
              sortedEntries(cfg.labels as Record<string, string>) !==
              sortedEntries(p.labels)
            )
              changed.push('labels');
            if (
              !sameList(
                (cfg.taints ?? []).map(taintKey),
                p.taints.map(taintKey),
              )
            )
              changed.push('taints');
            if (!sameList(cfg.tags ?? [], tagsOf(p))) changed.push('tags');
            if (cfg.machineType !== p.machineType) changed.push('machineType');
            if (Number(cfg.diskSizeGb) !== p.diskSizeGb)
              changed.push('diskSizeGb');
            if (changed.length) {
              steps.push({
                field: `nodePools.${p.name}.{${changed.join(',')}}`,
                key: `pool:${p.name}:update`,
                apply: async () =>
                  String(
                    (
                      await gke.updateNodePool({
                        name: poolName,
                        nodeVersion: '-',
                        imageType: cfg.imageType || 'COS_CONTAINERD',
                        ...(changed.includes('labels')
                          ? { labels: { labels: p.labels ?? {} } }
                          : {}),
                        ...(changed.includes('taints')
                          ? { taints: { taints: p.taints } }
                          : {}),
                        ...(changed.includes('tags')
                          ? { tags: { tags: tagsOf(p) } }
                          : {}),
                        ...(changed.includes('machineType')
                          ? { machineType: p.machineType }
                          : {}),
                        ...(changed.includes('diskSizeGb')
                          ? { diskSizeGb: p.diskSizeGb }
                          : {}),
                      })
                    )[0].name,
                  ),
              });
            }
          });
          const extra = existingPools
            .filter(e => !pools.some(p => p.name === e.name))
            .map(e => e.name);
          if (extra.length)
            run.logger.warn(
              `${resource}: node pools not in the input are left alone: ${extra.join(
                ', ',
              )}`,
            );

          const plan: Plan = steps.length
            ? { kind: 'update', fields: steps.map(s => s.field) }
            : { kind: 'none' };
          run.plan(resource, plan);
          if (!run.dryRun) {
            for (const step of steps) {
              const what = `update ${resource}: ${step.field}`;
              const opName = await run.mutate(
                `${GKE_CLUSTER_ACTION_ID}:${clusterName}:${step.key}`,
                what,
                step.apply,
              );
              await waitOp(what, opName);
            }
            if (steps.length) cluster = await getCluster();
          }
        }

        ctx.output('projectId', projectId);
        ctx.output('name', input.name);
        ctx.output('location', input.location);
        ctx.output('resourceName', clusterName);
        ctx.output('changed', run.changes.length > 0);
        if (!cluster && input.workloadIdentity)
          ctx.output('workloadPool', workloadPool);
        if (cluster) {
          ctx.output('endpoint', cluster.endpoint ?? '');
          ctx.output(
            'clusterCaCertificate',
            cluster.masterAuth?.clusterCaCertificate ?? '',
          );
          ctx.output(
            'currentMasterVersion',
            cluster.currentMasterVersion ?? '',
          );
          if (cluster.workloadIdentityConfig?.workloadPool)
            ctx.output(
              'workloadPool',
              cluster.workloadIdentityConfig.workloadPool,
            );
        }
        ctx.output(
          'kubeconfigContext',
          `gke_${projectId}_${input.location}_${input.name}`,
        );
      } finally {
        await clients.close();
      }
    },
  });
}
