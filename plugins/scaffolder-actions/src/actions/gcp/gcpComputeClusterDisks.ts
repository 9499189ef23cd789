import { randomUUID } from 'node:crypto';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GcpActionOptions } from './gcpClients';
import { GcpRun, startGcpRun } from './gcpRun';
import { lastSegment, operationName, waitZonal } from './computeOperations';
import { examples } from './gcpComputeClusterDisks.examples';
import { commonInput, resourceName, schemaOf } from './inputProperties';
import { commonOutput } from './outputProperties';

export const COMPUTE_CLUSTER_DISKS_ACTION_ID = 'gcp:compute:cluster-disks';

/** The label GKE puts on the disks it creates for a cluster (PersistentVolumes, nodes). */
export const CLUSTER_NAME_LABEL = 'goog-k8s-cluster-name';
/** The cluster's location (zone or region), next to the name label. */
export const CLUSTER_LOCATION_LABEL = 'goog-k8s-cluster-location';

type Input = {
  projectId?: string;
  clusterName: string;
  location: string;
};

const inputSchema = schemaOf((z: any) =>
  z.object({
    ...commonInput(z),
    clusterName: resourceName(
      z,
      'The GKE cluster whose disks to delete, e.g. dev-gke: disks labelled goog-k8s-cluster-name=<this>.',
    ),
    location: z
      .string()
      .regex(
        /^[a-z]+-[a-z]+\d+(-[a-z])?$/,
        'must be a zone such as europe-west3-c or a region such as europe-west3',
      )
      .describe(
        'Location of the cluster (zone or region). The cluster must be gone there; a disk labelled with another goog-k8s-cluster-location (a namesake cluster elsewhere) is left.',
      ),
  }),
);

/** One disk found by its cluster label. */
type FoundDisk = {
  zone: string;
  name: string;
  sizeGb: number;
  users: string[];
  location?: string;
};

const diskPath = (d: FoundDisk) => `zones/${d.zone}/disks/${d.name}`;

/** Every disk of the project labelled with the cluster's name (all zones, all pages). */
async function listClusterDisks(
  run: GcpRun,
  clusterName: string,
): Promise<FoundDisk[]> {
  const disks = run.clients.disks();
  return run.read(
    `list the disks of cluster ${clusterName}`,
    async () => {
      const found: FoundDisk[] = [];
      const pages = disks.aggregatedListAsync({
        project: run.projectId,
        filter: `labels.${CLUSTER_NAME_LABEL} = "${clusterName}"`,
      });
      for await (const [scope, list] of pages) {
        const warning = list.warning;
        if (warning?.code && warning.code !== 'NO_RESULTS_ON_PAGE') {
          run.logger.warn(
            `listing the disks of ${scope}: ${warning.code} ${
              warning.message ?? ''
            }; disks there may be missed`,
          );
        }
        for (const disk of list.disks ?? []) {
          found.push({
            zone: lastSegment(disk.zone) || lastSegment(scope),
            name: String(disk.name),
            sizeGb: Number(disk.sizeGb ?? 0),
            users: (disk.users ?? []).map(u =>
              String(u).replace(/^https:\/\/[^/]+\/compute\/v1\//, ''),
            ),
            location: (disk.labels as Record<string, string> | undefined)?.[
              CLUSTER_LOCATION_LABEL
            ],
          });
        }
      }
      return found.sort((a, b) => diskPath(a).localeCompare(diskPath(b)));
      // Paged over every zone: each page has the client's own call timeout.
    },
    { deadline: false },
  );
}

/**
 * `gcp:compute:cluster-disks`: after a GKE cluster is deleted, deletes the
 * persistent disks it leaves behind (PersistentVolumes with reclaim policy
 * Retain, or PVCs whose disks were not deleted before the cluster went),
 * found by GKE's label `goog-k8s-cluster-name` with `disks.aggregatedList`.
 * Disks still attached to an instance are left and reported, never forced.
 */
export function createGcpComputeClusterDisksAction(options: GcpActionOptions) {
  return createTemplateAction({
    id: COMPUTE_CLUSTER_DISKS_ACTION_ID,
    description:
      'Deletes the persistent disks a deleted GKE cluster left behind (labelled goog-k8s-cluster-name), in every zone of the project. Refuses while the cluster exists; disks still attached are left and reported.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: (z: any) =>
        z.object({
          ...commonOutput(z),
          deleted: z
            .array(z.string())
            .describe(
              'Disks deleted by this run, as zones/<zone>/disks/<name> (in a dry run: those it would delete).',
            ),
          deletedGb: z
            .number()
            .describe('Their total size in GB (what stops being billed).'),
          left: z
            .array(z.string())
            .describe(
              'Disks labelled with the cluster that were left, each with the reason: still attached (users), or labelled with another location.',
            ),
        }),
    },
    async handler(ctx) {
      const { input, clients, projectId, run } = startGcpRun<Input>(
        ctx,
        options,
        {
          id: COMPUTE_CLUSTER_DISKS_ACTION_ID,
          inputSchema,
          api: 'compute.googleapis.com',
        },
      );
      const { clusterName, location } = input;
      const gkeName = `projects/${projectId}/locations/${location}/clusters/${clusterName}`;
      try {
        const cluster = await run.readOptional(
          `get cluster ${gkeName}`,
          async () =>
            (
              await clients.clusterManager().getCluster({ name: gkeName })
            )[0],
        );
        if (cluster && !run.dryRun) {
          throw new Error(
            `${COMPUTE_CLUSTER_DISKS_ACTION_ID}: cluster ${gkeName} still exists (status ${String(
              cluster.status,
            )}); its disks may still back PersistentVolumes. Delete the cluster first (gcp:gke:cluster with state: absent), then run this step again`,
          );
        }
        const found = await listClusterDisks(run, clusterName);
        const left: string[] = [];
        const doomed: FoundDisk[] = [];
        for (const disk of found) {
          if (disk.location && disk.location !== location) {
            left.push(
              `${diskPath(disk)} (labelled ${CLUSTER_LOCATION_LABEL}=${
                disk.location
              }: a cluster ${clusterName} there, not in ${location})`,
            );
          } else if (disk.users.length) {
            left.push(
              `${diskPath(disk)} (attached to ${disk.users.join(', ')})`,
            );
          } else {
            doomed.push(disk);
          }
        }
        for (const note of left) run.logger.warn(`disk left: ${note}`);
        if (cluster) {
          run.logger.info(
            `[dry run] cluster ${gkeName} exists now; once it is deleted, its disks are listed again and deleted`,
          );
        }
        if (!found.length)
          run.plan(`disks of cluster ${clusterName}`, { kind: 'absent' });
        for (const disk of doomed) {
          const resource = `disk ${diskPath(disk)} (${disk.sizeGb} GB)`;
          run.plan(resource, { kind: 'delete' });
          if (run.dryRun) continue;
          const op = await run.mutate(
            `${COMPUTE_CLUSTER_DISKS_ACTION_ID}:projects/${projectId}/${diskPath(
              disk,
            )}:delete`,
            `delete ${resource}`,
            async () =>
              operationName(
                await clients.disks().delete({
                  project: projectId,
                  zone: disk.zone,
                  disk: disk.name,
                  requestId: randomUUID(),
                }),
              ),
          );
          await waitZonal(run, `delete ${resource}`, disk.zone, op);
        }
        ctx.output('projectId', projectId);
        ctx.output('deleted', doomed.map(diskPath));
        ctx.output(
          'deletedGb',
          doomed.reduce((sum, d) => sum + d.sizeGb, 0),
        );
        ctx.output('left', left);
        ctx.output('changed', run.changes.length > 0);
      } finally {
        await clients.close();
      }
    },
  });
}
