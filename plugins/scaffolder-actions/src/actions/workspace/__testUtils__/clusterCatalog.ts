import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { ClusterEntity } from '@coder-platform/plugin-coder-platform-node';
import type { WorkspaceCatalog } from '../workspaceImageCluster';
import type { WorkspaceActionsOptions } from '../workspaceImageValidate';

/** A coder-cluster Resource as the cluster template registers it (with its backup bucket and restic prefix). */
export function clusterResource(
  name: string,
  annotations: Record<string, string> = {
    'coder-platform.io/cluster': name,
    'coder-platform.io/backup-bucket': 'acme-coder-backups',
    'coder-platform.io/restic-prefix': `coder/${name}`,
  },
): ClusterEntity {
  return {
    kind: 'Resource',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'coder-cluster', owner: 'group:default/platform-team' },
  };
}

/**
 * An in-memory catalog with the lookup the validate step makes: entities by
 * `kind:namespace/name` ref, visible only to the users listed for them
 * (everyone when none are). Records every lookup with its credentials.
 */
export class MemoryCatalog implements WorkspaceCatalog {
  readonly lookups: { ref: string; credentials: BackstageCredentials }[] = [];
  failure?: Error;
  readonly #entities = new Map<
    string,
    { entity: ClusterEntity; readers?: string[] }
  >();

  add(entity: ClusterEntity, readers?: string[]): this {
    const ref = `${entity.kind.toLowerCase()}:${
      entity.metadata.namespace ?? 'default'
    }/${entity.metadata.name}`;
    this.#entities.set(ref, { entity, readers });
    return this;
  }

  async getEntityByRef(
    ref: string,
    options: { credentials: BackstageCredentials },
  ): Promise<ClusterEntity | undefined> {
    this.lookups.push({ ref, credentials: options.credentials });
    if (this.failure) throw this.failure;
    const found = this.#entities.get(ref);
    if (!found) return undefined;
    const principal = options.credentials.principal as {
      userEntityRef?: string;
    };
    if (
      found.readers &&
      !found.readers.includes(principal.userEntityRef ?? '')
    ) {
      return undefined;
    }
    return found.entity;
  }
}

/**
 * Options of the workspace actions: clusters `dev-eu1` (with Coder) and
 * `kube-only` (no coder block) in app-config, GKE project `acme-dev` allowed,
 * and a catalog holding `resource:default/dev-eu1`.
 */
export function workspaceOptions(
  catalog = new MemoryCatalog().add(clusterResource('dev-eu1')),
): WorkspaceActionsOptions & { catalog: MemoryCatalog } {
  return {
    catalog,
    config: new ConfigReader({
      coderPlatform: {
        clusters: [
          {
            name: 'dev-eu1',
            coder: { url: 'https://coder.dev-eu1.example.com', token: 'tok' },
          },
          {
            name: 'kube-only',
            kubernetes: {
              url: 'https://kube-only.example.com',
              auth: { type: 'token', token: 'kube-token' },
            },
          },
        ],
        gke: { allowedProjects: ['acme-dev'] },
      },
    }),
  };
}
