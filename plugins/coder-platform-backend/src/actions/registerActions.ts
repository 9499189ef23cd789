import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  coderPlatformBackupsReadPermission,
  coderPlatformCoderReadPermission,
  coderPlatformKeycloakUsersReadPermission,
} from '@coder-platform/plugin-coder-platform-common';
import { CoderPlatformService } from '../service/CoderPlatformService';
import { registerInventoryActions } from './inventoryActions';

/** Throws a NotAllowedError naming the permission unless the caller has it. */
export type PermissionCheck = (
  credentials: Parameters<PermissionsService['authorize']>[1]['credentials'],
  permission: BasicPermission,
) => Promise<void>;

/**
 * Registers the read operations (and, in inventoryActions.ts, the cluster,
 * workspace and release listings) with Backstage's actions registry, so the MCP
 * actions backend offers them to AI assistants. Each action is hidden from
 * callers without its permission and checks it again when run.
 */
export function registerActions(options: {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  service: CoderPlatformService;
}) {
  const { actionsRegistry, permissions, service } = options;
  const clusterNames = service.clusters.map(c => c.name);

  const check: PermissionCheck = async (credentials, permission) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  };

  registerInventoryActions({ actionsRegistry, service, check });

  actionsRegistry.register({
    name: 'get-cluster-overview',
    title: 'Coder cluster overview',
    description: `Coder deployment of a cluster: version, health findings, workspace and session counts, templates and provisioner daemons. Clusters: ${
      clusterNames.join(', ') || 'none configured'
    }.`,
    visibilityPermission: coderPlatformCoderReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          cluster: z
            .string()
            .describe(
              'Cluster name, e.g. from the coder-platform.io/cluster annotation',
            ),
        }),
      output: z =>
        z.object({
          version: z.string(),
          healthy: z.boolean().optional(),
          severity: z.string().optional(),
          failingSections: z.array(
            z.object({
              section: z.string(),
              severity: z.string(),
              message: z.string(),
            }),
          ),
          runningWorkspaces: z.number().optional(),
          failedWorkspaces: z.number().optional(),
          templates: z.array(
            z.object({
              name: z.string(),
              activeUserCount: z.number(),
              deprecated: z.boolean(),
            }),
          ),
          provisioners: z.array(
            z.object({
              name: z.string(),
              status: z.string(),
              lastSeenAt: z.string().optional(),
            }),
          ),
          stale: z.boolean(),
          fetchedAt: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      await check(credentials, coderPlatformCoderReadPermission);
      const o = await service.coderOverview(input.cluster);
      return {
        output: {
          version: o.buildInfo.version,
          healthy: o.health?.healthy,
          severity: o.health?.severity,
          failingSections: (o.health?.failing ?? []).map(f => ({
            section: f.section,
            severity: f.severity,
            message: f.message,
          })),
          runningWorkspaces: o.stats?.workspaces.running,
          failedWorkspaces: o.stats?.workspaces.failed,
          templates: o.templates.map(t => ({
            name: t.name,
            activeUserCount: t.activeUserCount,
            deprecated: t.deprecated,
          })),
          provisioners: o.provisioners.map(p => ({
            name: p.name,
            status: p.status,
            lastSeenAt: p.lastSeenAt,
          })),
          stale: o.stale,
          fetchedAt: o.fetchedAt,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-backup-status',
    title: 'Postgres backup status',
    description:
      'wal-g base backups of the Postgres clusters of a Coder cluster: health (ok/warning/critical) with reasons, latest backup, its age against the cron schedule, backup count vs retain, and WAL archiving lag.',
    visibilityPermission: coderPlatformBackupsReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ cluster: z.string().describe('Cluster name') }),
      output: z =>
        z.object({
          health: z.enum(['ok', 'warning', 'critical']),
          databases: z.array(
            z.object({
              name: z.string(),
              location: z.string(),
              health: z.enum(['ok', 'warning', 'critical']),
              reasons: z.array(z.string()),
              count: z.number(),
              retain: z.number().optional(),
              latestBackup: z.string().optional(),
              latestFinishedAt: z.string().optional(),
              latestAgeSeconds: z.number().optional(),
              walLagSeconds: z.number().optional(),
            }),
          ),
          stale: z.boolean(),
          fetchedAt: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      await check(credentials, coderPlatformBackupsReadPermission);
      const b = await service.postgresBackups(input.cluster);
      return {
        output: {
          health: b.health,
          databases: b.items.map(i => ({
            name: i.name,
            location: i.location,
            health: i.health,
            reasons: i.reasons,
            count: i.count,
            retain: i.retain,
            latestBackup: i.latest?.name,
            latestFinishedAt: i.latest?.finishTime,
            latestAgeSeconds: i.latestAgeSeconds,
            walLagSeconds: i.wal.lagSeconds,
          })),
          stale: b.stale,
          fetchedAt: b.fetchedAt,
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-keycloak-user-summary',
    title: 'Keycloak user summary',
    description:
      'Counts of the Keycloak realm of a cluster: total users, unverified e-mail, disabled, created in the last 7 and 30 days. No personal data.',
    visibilityPermission: coderPlatformKeycloakUsersReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ cluster: z.string().describe('Cluster name') }),
      output: z =>
        z.object({
          realm: z.string(),
          total: z.number(),
          unverified: z.number(),
          disabled: z.number(),
          createdLast7Days: z.number(),
          createdLast30Days: z.number(),
          stale: z.boolean(),
          fetchedAt: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      await check(credentials, coderPlatformKeycloakUsersReadPermission);
      const s = await service.keycloakSummary(input.cluster);
      return {
        output: {
          realm: s.realm,
          total: s.total,
          unverified: s.unverified,
          disabled: s.disabled,
          createdLast7Days: s.createdLast7Days,
          createdLast30Days: s.createdLast30Days,
          stale: s.stale,
          fetchedAt: s.fetchedAt,
        },
      };
    },
  });
}
