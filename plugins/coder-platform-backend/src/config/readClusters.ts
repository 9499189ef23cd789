import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ClusterSummary } from '@coder-platform/plugin-coder-platform-common';
import {
  ClusterConfig,
  readClusters as readClusterConfigs,
} from '@coder-platform/plugin-coder-platform-node';
import { CronExpressionParser } from 'cron-parser';

export type {
  BackupsUpstreamConfig,
  ClusterConfig,
  CoderUpstreamConfig,
  GcpConfig,
  KeycloakUpstreamConfig,
  KubernetesClusterConfig,
  PostgresBackupConfig,
} from '@coder-platform/plugin-coder-platform-node';

/**
 * Reads `coderPlatform.clusters` with the cluster model's one parser
 * (coder-platform-node), then checks what only the backend reads: the cron
 * schedules of the Postgres backups. Fails start-up with the path of the
 * offending key rather than failing on the first request.
 */
export function readClusters(rootConfig: Config): ClusterConfig[] {
  const clusters = readClusterConfigs(rootConfig);
  clusters.forEach((cluster, index) => {
    cluster.backups?.postgres.forEach((p, i) => {
      try {
        CronExpressionParser.parse(p.schedule, { tz: 'UTC' });
      } catch (error) {
        throw new InputError(
          `coderPlatform.clusters[${index}].backups.postgres[${i}].schedule "${
            p.schedule
          }" is not a cron expression: ${(error as Error).message}`,
        );
      }
    });
  });
  return clusters;
}

/** What the browser may see of a cluster: which upstreams exist, nothing more. */
export function toClusterSummary(cluster: ClusterConfig): ClusterSummary {
  return {
    name: cluster.name,
    title: cluster.title,
    upstreams: {
      coder: Boolean(cluster.coder?.token),
      keycloak: Boolean(cluster.keycloak),
      postgresBackups: Boolean(
        cluster.backups && cluster.backups.postgres.length > 0,
      ),
      workspaceBackups: Boolean(cluster.backups?.restic),
      kubernetes: Boolean(cluster.kubernetes),
    },
    // Only discovered clusters say where they came from (absent: config).
    ...(cluster.discovered
      ? { source: 'catalog' as const, entityRef: cluster.discovered.entityRef }
      : {}),
  };
}
