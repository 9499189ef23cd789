import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  coderPlatformClusterReadPermission,
  coderPlatformCoderReadPermission,
  coderPlatformReleasesReadPermission,
} from '@coder-platform/plugin-coder-platform-common';
import { toClusterSummary } from '../config/readClusters';
import { CoderPlatformService } from '../service/CoderPlatformService';
import type { PermissionCheck } from './registerActions';

/**
 * Read-only actions that answer "what is there": the configured clusters
 * (so an assistant can find a cluster name without one), a cluster's Coder
 * workspaces, and its Helm releases with drift against the pinned versions.
 */
export function registerInventoryActions(options: {
  actionsRegistry: ActionsRegistryService;
  service: CoderPlatformService;
  check: PermissionCheck;
}) {
  const { actionsRegistry, service, check } = options;

  actionsRegistry.register({
    name: 'list-clusters',
    title: 'List Coder clusters',
    description:
      'The Coder development clusters this portal knows: name (the input of the other coder-platform actions), title, and which upstreams are configured for each. No endpoints or credentials.',
    visibilityPermission: coderPlatformClusterReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          clusters: z.array(
            z.object({
              name: z.string().describe('Cluster name'),
              title: z.string(),
              upstreams: z
                .object({
                  coder: z.boolean(),
                  keycloak: z.boolean(),
                  postgresBackups: z.boolean(),
                  workspaceBackups: z.boolean(),
                  kubernetes: z.boolean(),
                })
                .describe('Which views the cluster has configured'),
            }),
          ),
        }),
    },
    action: async ({ credentials }) => {
      await check(credentials, coderPlatformClusterReadPermission);
      return { output: { clusters: service.clusters.map(toClusterSummary) } };
    },
  });

  actionsRegistry.register({
    name: 'list-workspaces',
    title: 'List Coder workspaces',
    description:
      'Coder workspaces of a cluster with owner, template, status, last use and whether they run an outdated template version. Filter with a Coder search query, e.g. "owner:alice", "template:devbox" or "status:failed".',
    visibilityPermission: coderPlatformCoderReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          cluster: z.string().describe('Cluster name (see list-clusters)'),
          query: z
            .string()
            .optional()
            .describe('Coder workspace search query, e.g. "owner:alice"'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(100)
            .optional()
            .describe('Workspaces per page, 1-100. Default 25.'),
          offset: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe('Workspaces to skip. Default 0.'),
        }),
      output: z =>
        z.object({
          count: z.number().describe('Matching workspaces in total'),
          workspaces: z.array(
            z.object({
              name: z.string(),
              owner: z.string(),
              template: z.string(),
              status: z.string(),
              outdated: z.boolean(),
              healthy: z.boolean().optional(),
              lastUsedAt: z.string(),
            }),
          ),
          stale: z.boolean(),
          fetchedAt: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      await check(credentials, coderPlatformCoderReadPermission);
      const page = await service.workspaces(input.cluster, {
        q: input.query,
        limit: input.limit ?? 25,
        offset: input.offset ?? 0,
      });
      return {
        output: {
          count: page.count,
          workspaces: page.items.map(w => ({
            name: w.name,
            owner: w.owner,
            template: w.template,
            status: w.status,
            outdated: w.outdated,
            healthy: w.healthy,
            lastUsedAt: w.lastUsedAt,
          })),
          stale: page.stale,
          fetchedAt: page.fetchedAt,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-helm-releases',
    title: 'List Helm releases',
    description:
      "Helm releases of a cluster read from their release Secrets: chart and app version, status, and drift against the versions the cluster template pins ('in-sync', 'drift', 'missing', 'unpinned').",
    visibilityPermission: coderPlatformReleasesReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          cluster: z.string().describe('Cluster name (see list-clusters)'),
        }),
      output: z =>
        z.object({
          driftCount: z
            .number()
            .describe('Releases whose drift is drift or missing'),
          releases: z.array(
            z.object({
              release: z.string(),
              namespace: z.string(),
              chart: z.string().optional(),
              chartVersion: z.string().optional(),
              appVersion: z.string().optional(),
              status: z.string().optional(),
              pinnedVersion: z.string().optional(),
              drift: z.enum(['in-sync', 'drift', 'missing', 'unpinned']),
            }),
          ),
          stale: z.boolean(),
          fetchedAt: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      await check(credentials, coderPlatformReleasesReadPermission);
      const r = await service.releases(input.cluster);
      return {
        output: {
          driftCount: r.driftCount,
          releases: r.items.map(i => ({
            release: i.release,
            namespace: i.namespace,
            chart: i.installed?.chart ?? i.pinned?.chart,
            chartVersion: i.installed?.chartVersion,
            appVersion: i.installed?.appVersion,
            status: i.installed?.status,
            pinnedVersion: i.pinned?.version,
            drift: i.drift,
          })),
          stale: r.stale,
          fetchedAt: r.fetchedAt,
        },
      };
    },
  });
}
