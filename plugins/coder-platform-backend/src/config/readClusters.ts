import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ClusterSummary,
  isValidClusterName,
} from '@coder-platform/plugin-coder-platform-common';

/** One entry of `coderPlatform.clusters[]`, with credentials: backend only. */
export interface ClusterConfig {
  name: string;
  title: string;
  /** The raw config block, read lazily by each upstream's client. */
  config: Config;
}

/**
 * Reads and validates `coderPlatform.clusters`. Fails start-up with the path
 * of the offending key rather than failing on the first request.
 */
export function readClusters(rootConfig: Config): ClusterConfig[] {
  const entries = rootConfig.getOptionalConfigArray('coderPlatform.clusters') ?? [];
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const name = entry.getString('name');
    if (!isValidClusterName(name)) {
      throw new InputError(
        `coderPlatform.clusters[${index}].name "${name}" is not a valid cluster name (lowercase letters, digits and dashes, starting with a letter)`,
      );
    }
    if (seen.has(name)) {
      throw new InputError(
        `coderPlatform.clusters[${index}].name "${name}" is used by more than one cluster`,
      );
    }
    seen.add(name);
    return { name, title: entry.getOptionalString('title') ?? name, config: entry };
  });
}

/** What the browser may see of a cluster: which upstreams exist, nothing more. */
export function toClusterSummary(cluster: ClusterConfig): ClusterSummary {
  const has = (key: string) => cluster.config.has(key);
  return {
    name: cluster.name,
    title: cluster.title,
    upstreams: {
      coder: has('coder'),
      keycloak: has('keycloak'),
      postgresBackups: has('backups.postgres'),
      workspaceBackups: has('backups.restic'),
      kubernetes: has('kubernetes'),
    },
  };
}
