import { CLUSTER_TEMPLATE_PINNED_RELEASES } from '@coder-platform/plugin-coder-platform-common';
import type { ClusterModel } from '../ClusterModel';
import type {
  BackupsUpstreamConfig,
  ClusterConfig,
  CoderUpstreamConfig,
  KeycloakUpstreamConfig,
  SecretKeyRef,
} from '../types';
import type { DiscoveredClusterSpec, DiscoverySettings } from './types';

/** A discovered cluster as the backend's cluster model, plus what could not be set up. */
export interface MaterializedCluster {
  cluster: ClusterConfig;
  /** Redacted; each names the cluster, its entity and the key or Secret. */
  warnings: string[];
}

/**
 * Turns a discovered cluster spec into a {@link ClusterConfig}: the API server
 * is the GKE cluster (endpoint and CA from the GKE API, the backend's Google
 * identity), and every credential is read from a Secret inside that cluster
 * which carries `coder-platform.io/managed: "true"` (the suite wrote it) or is
 * listed in `coderPlatform.clusterActions.readableSecrets`. Nothing is taken
 * from the entity but names and allowed URLs. An upstream whose URL or
 * credential cannot be read is left out with a warning; the cluster is still
 * returned.
 */
export async function toClusterConfig(
  spec: DiscoveredClusterSpec,
  model: ClusterModel,
  settings: DiscoverySettings,
): Promise<MaterializedCluster> {
  const resolved = model.resolve(
    spec.gke.resourceName,
    `${spec.entityRef} coder-platform.io/gke-cluster`,
  );
  const secrets = resolved.secrets;
  const warnings: string[] = [];
  const at = `discovered cluster "${spec.name}" (${spec.entityRef})`;
  const attempt = async <T>(
    what: string,
    fn: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (error) {
      warnings.push(
        secrets.redact(
          `${at}: ${what} left out: ${(error as Error).message ?? error}`,
        ),
      );
      return undefined;
    }
  };
  const read = async (ref: SecretKeyRef, field: string) => {
    const value = await resolved.readSecret(ref, ref.key, { field });
    if (value === undefined) {
      throw new Error(
        `${field}: Secret ${ref.namespace}/${ref.name} with key ${ref.key} does not exist in the cluster`,
      );
    }
    return value;
  };
  const s = settings.secrets;

  const tokenRef = s.coderToken ?? model.settings.gke.coder.sessionTokenSecret;
  const coder = await attempt<CoderUpstreamConfig>('Coder', async () => ({
    url:
      spec.coderUrl ??
      (await resolved.ingressUrl(
        model.settings.gke.coder.ingress,
        'coderPlatform.gke.coder.ingress',
      )),
    token: await read(tokenRef, 'coderPlatform.discovery.secrets.coderToken'),
    organization: 'default',
    sessionTokenSecret: tokenRef,
  }));

  const keycloak =
    spec.keycloak &&
    (await attempt<KeycloakUpstreamConfig>('Keycloak', async () => ({
      baseUrl:
        spec.keycloak!.url ??
        (await resolved.ingressUrl(
          model.settings.gke.keycloak.ingress,
          'coderPlatform.gke.keycloak.ingress',
        )),
      realm: spec.keycloak!.realm,
      clientId: await read(
        s.keycloakClientId,
        'coderPlatform.discovery.secrets.keycloakClientId',
      ),
      clientSecret: await read(
        s.keycloakClientSecret,
        'coderPlatform.discovery.secrets.keycloakClientSecret',
      ),
    })));

  let backups: BackupsUpstreamConfig | undefined;
  if (spec.backups) {
    const pg = spec.backups.postgres;
    const segments = pg?.prefix.split('/') ?? [];
    backups = {
      bucket: spec.backups.bucket,
      postgres: pg
        ? [
            {
              name:
                segments.length > 1 ? segments[segments.length - 2] : pg.prefix,
              prefix: pg.prefix,
              schedule: pg.schedule,
            },
          ]
        : [],
    };
    if (spec.backups.resticPrefix) {
      const prefix = spec.backups.resticPrefix;
      const password = await attempt('restic', () =>
        read(
          s.resticPassword,
          'coderPlatform.discovery.secrets.resticPassword',
        ),
      );
      if (password) backups.restic = { prefix, password };
    }
  }

  return {
    cluster: {
      name: spec.name,
      title: spec.title,
      coder,
      keycloak,
      backups,
      kubernetes: {
        kind: 'gke',
        resourceName: spec.gke.resourceName,
        auth: { type: 'google' },
      },
      gcp: { projectId: spec.gke.project },
      pinnedReleases: CLUSTER_TEMPLATE_PINNED_RELEASES,
      secrets,
      google: model.settings.google,
      discovered: { entityRef: spec.entityRef },
    },
    warnings,
  };
}
