import type { Entity } from '@backstage/catalog-model';

/**
 * Annotation that binds a catalog entity to a cluster configured under
 * `coderPlatform.clusters[]`. It names the cluster only: endpoints and
 * credentials stay in the backend's app-config, never in the catalog.
 */
export const CODER_PLATFORM_CLUSTER_ANNOTATION = 'coder-platform.io/cluster';

/** Cluster names are DNS-label-like so they are safe in URLs and resource names. */
const CLUSTER_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Returns true when `name` is an acceptable cluster name. */
export function isValidClusterName(name: string): boolean {
  return CLUSTER_NAME_PATTERN.test(name);
}

/**
 * Reads the cluster name from an entity's annotation.
 *
 * @returns the cluster name, or undefined when the entity is not bound to a cluster
 * @throws Error when the annotation is present but not a valid cluster name
 */
export function getEntityClusterName(entity: Entity): string | undefined {
  const value =
    entity.metadata.annotations?.[CODER_PLATFORM_CLUSTER_ANNOTATION];
  if (value === undefined) {
    return undefined;
  }
  const name = value.trim();
  if (!isValidClusterName(name)) {
    throw new Error(
      `Annotation ${CODER_PLATFORM_CLUSTER_ANNOTATION} on ${entity.kind}:${
        entity.metadata.namespace ?? 'default'
      }/${
        entity.metadata.name
      } is "${value}", which is not a valid cluster name (lowercase letters, digits and dashes, starting with a letter, at most 63 characters)`,
    );
  }
  return name;
}

/**
 * Annotation on a `workspace-image` Component naming the Coder template that
 * uses the image (in the cluster named by `coder-platform.io/cluster`).
 */
export const CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION =
  'coder-platform.io/coder-template';

/*
 * Annotations of a catalog `Resource` of `spec.type: coder-cluster` (written
 * by the coder-development-cluster template), read by the backend's cluster
 * discovery. They carry names and public URLs only: the backend reads the
 * cluster's endpoint and CA from the GKE API with its own Google identity and
 * every credential from Secrets the suite wrote inside the cluster. An
 * annotation that looks like a credential makes the backend ignore the entity.
 */

/** `spec.type` of the catalog Resource that describes one Coder cluster. */
export const CODER_CLUSTER_RESOURCE_TYPE = 'coder-cluster';

/** GKE resource name `projects/<project>/locations/<location>/clusters/<name>` (project must be allowed). */
export const CODER_PLATFORM_GKE_CLUSTER_ANNOTATION =
  'coder-platform.io/gke-cluster';

/**
 * Public URL of the cluster's Coder. Optional: without it the backend takes
 * `https://<host>` of the cluster's Coder Ingress. With it, the URL's host must
 * be listed in `coderPlatform.discovery.allowedHosts`.
 */
export const CODER_PLATFORM_CODER_URL_ANNOTATION =
  'coder-platform.io/coder-url';

/** Public URL of the cluster's Keycloak; same rules as {@link CODER_PLATFORM_CODER_URL_ANNOTATION}. */
export const CODER_PLATFORM_KEYCLOAK_URL_ANNOTATION =
  'coder-platform.io/keycloak-url';

/** The Keycloak realm of the cluster's users (the portal lists its users). */
export const CODER_PLATFORM_KEYCLOAK_REALM_ANNOTATION =
  'coder-platform.io/keycloak-realm';

/** GCS bucket holding the cluster's wal-g and restic backups (name, not URL). */
export const CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION =
  'coder-platform.io/backup-bucket';

/** wal-g prefix of the Postgres backups in the bucket, e.g. `spilo/<cluster>/main-postgres-db/main`. */
export const CODER_PLATFORM_POSTGRES_BACKUP_PREFIX_ANNOTATION =
  'coder-platform.io/postgres-backup-prefix';

/** Cron schedule of the Postgres base backups (UTC); default `0 1 * * *`. */
export const CODER_PLATFORM_POSTGRES_BACKUP_SCHEDULE_ANNOTATION =
  'coder-platform.io/postgres-backup-schedule';

/** restic prefix of the workspace home backups in the bucket, e.g. `coder/<cluster>`. */
export const CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION =
  'coder-platform.io/restic-prefix';

/** Every annotation the cluster discovery reads. */
export const CODER_CLUSTER_ANNOTATIONS = [
  CODER_PLATFORM_CLUSTER_ANNOTATION,
  CODER_PLATFORM_GKE_CLUSTER_ANNOTATION,
  CODER_PLATFORM_CODER_URL_ANNOTATION,
  CODER_PLATFORM_KEYCLOAK_URL_ANNOTATION,
  CODER_PLATFORM_KEYCLOAK_REALM_ANNOTATION,
  CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION,
  CODER_PLATFORM_POSTGRES_BACKUP_PREFIX_ANNOTATION,
  CODER_PLATFORM_POSTGRES_BACKUP_SCHEDULE_ANNOTATION,
  CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION,
] as const;
