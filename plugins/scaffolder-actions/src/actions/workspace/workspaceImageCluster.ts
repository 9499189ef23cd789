import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  CODER_CLUSTER_RESOURCE_TYPE,
  CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION,
  CODER_PLATFORM_CLUSTER_ANNOTATION,
  CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION,
  isValidClusterName,
} from '@coder-platform/plugin-coder-platform-common';
import {
  BACKUP_BUCKET_PATTERN,
  BACKUP_PREFIX_PATTERN,
  ClusterEntity,
  ClusterModel,
  parseClusterEntity,
  redact,
} from '@coder-platform/plugin-coder-platform-node';
import type { CatalogAccess } from '../catalog/catalogAccess';
import { preview } from './workspaceImageProblems';

/**
 * What the validate step reads from the catalog: the one lookup of the
 * catalog actions' {@link CatalogAccess} (the scaffolder's `CatalogService`).
 */
export type WorkspaceCatalog = Pick<CatalogAccess, 'getEntityByRef'>;

/** The cluster a workspace-image request targets, resolved to a target the backend trusts. */
export interface WorkspaceCluster {
  /** The picked entity, normalised: `resource:<namespace>/<name>`. */
  entityRef: string;
  /** Its `coder-platform.io/cluster` annotation: the cluster's name. */
  name: string;
  /**
   * What the cluster actions (`coder:template:push`) take as `cluster`: the
   * name of a `coderPlatform.clusters[]` entry, or the GKE resource name of a
   * cluster discovered from the entity in an allowed project.
   */
  target: string;
  source: 'config' | 'gke';
  /**
   * The restic repository prefix of the cluster's home backups,
   * `gs:<bucket>:/<prefix>`, from the Resource's
   * `coder-platform.io/backup-bucket` and `coder-platform.io/restic-prefix`
   * (the cluster template writes both); absent when either is missing or
   * not a bucket name / prefix (see `resticProblem`).
   */
  resticRepositoryPrefix?: string;
  /** Why there is no `resticRepositoryPrefix`, naming the annotation. */
  resticProblem?: string;
}

/**
 * Reads the home-backup location of a coder-cluster Resource with the
 * patterns of the one cluster entity parser (`parseClusterEntity`).
 */
export function resticRepository(
  entity: ClusterEntity,
): { prefix: string } | { problem: string } {
  const annotations = entity.metadata.annotations ?? {};
  const read = (key: string, pattern: RegExp, what: string) => {
    const raw = annotations[key];
    if (raw === undefined) return { problem: `has no ${key} annotation` };
    const value = raw.trim();
    if (!pattern.test(value) || value.includes('..')) {
      return { problem: `has ${key} ${preview(raw)}, which is not ${what}` };
    }
    return { value };
  };
  const bucket = read(
    CODER_PLATFORM_BACKUP_BUCKET_ANNOTATION,
    BACKUP_BUCKET_PATTERN,
    'a GCS bucket name',
  );
  if (!('value' in bucket)) return bucket;
  const prefix = read(
    CODER_PLATFORM_RESTIC_PREFIX_ANNOTATION,
    BACKUP_PREFIX_PATTERN,
    'a bucket prefix such as coder/dev-eu1',
  );
  if (!('value' in prefix)) return prefix;
  return { prefix: `gs:${bucket.value}:/${prefix.value}` };
}

/**
 * Splits an entity ref as EntityPicker writes it (`resource:default/dev-eu1`;
 * kind `resource` and namespace `default` when absent) into a normalised ref.
 * The caller has checked it against `CLUSTER_REF_PATTERN`.
 */
export function normaliseClusterRef(ref: string): string {
  const colon = ref.indexOf(':');
  const kind = colon >= 0 ? ref.slice(0, colon).toLowerCase() : 'resource';
  const rest = colon >= 0 ? ref.slice(colon + 1) : ref;
  const slash = rest.indexOf('/');
  const namespace = slash >= 0 ? rest.slice(0, slash) : 'default';
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  return `${kind}:${namespace}/${name}`;
}

function refuse(reason: string): never {
  throw new InputError(
    `coder-platform:workspace-image:validate: the request was refused before anything was rendered: cluster: ${reason}`,
  );
}

/**
 * Looks the picked cluster entity up in the catalog with the initiator's
 * credentials and resolves it with the one cluster model. Refuses, naming
 * `cluster`, an entity that is missing (or that the initiator may not read),
 * is not a Resource of `spec.type: coder-cluster`, has no valid
 * `coder-platform.io/cluster` annotation, or names a cluster the backend has
 * no trusted target for: neither in `coderPlatform.clusters[]` (with a
 * `coder` block, which the push needs) nor discoverable from the entity's
 * `coder-platform.io/gke-cluster` in `coderPlatform.gke.allowedProjects`.
 * Reads only: no credential is used, nothing is written.
 */
export async function resolveWorkspaceCluster(
  ref: string,
  deps: {
    catalog: WorkspaceCatalog;
    model: ClusterModel;
    credentials: BackstageCredentials;
  },
): Promise<WorkspaceCluster> {
  const entityRef = normaliseClusterRef(ref);
  let entity: ClusterEntity | undefined;
  try {
    entity = await deps.catalog.getEntityByRef(entityRef, {
      credentials: deps.credentials,
    });
  } catch (error) {
    throw new Error(
      `coder-platform:workspace-image:validate: cluster: looking up ${entityRef} in the catalog failed (${
        (error as Error)?.name ?? 'Error'
      }: ${
        // The catalog client's error may quote the request (its token) or the answer.
        redact(String((error as Error)?.message ?? error))
      }); nothing was published, run the template again once the catalog answers`,
    );
  }
  if (!entity) {
    refuse(
      `${entityRef} is not in the catalog, or you may not read it; pick a Resource of spec.type ${CODER_CLUSTER_RESOURCE_TYPE}`,
    );
  }
  if (entity.kind.toLowerCase() !== 'resource') {
    refuse(
      `${entityRef} is a ${entity.kind}, not a Resource of spec.type ${CODER_CLUSTER_RESOURCE_TYPE}`,
    );
  }
  if (entity.spec?.type !== CODER_CLUSTER_RESOURCE_TYPE) {
    refuse(
      `${entityRef} is a Resource of spec.type ${preview(
        entity.spec?.type ?? '',
      )}, not ${CODER_CLUSTER_RESOURCE_TYPE}`,
    );
  }
  const annotation =
    entity.metadata.annotations?.[CODER_PLATFORM_CLUSTER_ANNOTATION];
  if (annotation === undefined) {
    refuse(
      `${entityRef} has no ${CODER_PLATFORM_CLUSTER_ANNOTATION} annotation naming its cluster`,
    );
  }
  const name = annotation.trim();
  if (!isValidClusterName(name)) {
    refuse(
      `${entityRef} has ${CODER_PLATFORM_CLUSTER_ANNOTATION} ${preview(
        annotation,
      )}, which is not a cluster name (lowercase letters, digits and dashes, starting with a letter)`,
    );
  }

  const restic = resticRepository(entity);
  const backups =
    'prefix' in restic
      ? { resticRepositoryPrefix: restic.prefix }
      : { resticProblem: restic.problem };

  const configured = deps.model.configured(name);
  if (configured) {
    if (!configured.coder) {
      refuse(
        `cluster "${name}" (${entityRef}) has no coder block in coderPlatform.clusters[] of app-config, so its Coder template cannot be pushed`,
      );
    }
    return { entityRef, name, target: name, source: 'config', ...backups };
  }
  const parsed = parseClusterEntity(entity, {
    allowedProjects: deps.model.settings.gke.allowedProjects,
    allowedHosts: [],
  });
  if (!parsed.spec) {
    const names = deps.model.settings.clusters.map(c => c.name);
    const why = parsed.warnings[parsed.warnings.length - 1];
    refuse(
      `${entityRef} names cluster "${name}", which is neither in coderPlatform.clusters (${
        names.join(', ') || 'none configured'
      }) nor a GKE cluster the backend may reach (${why})`,
    );
  }
  const target = parsed.spec.gke.resourceName;
  // The same check the push step makes; throws naming the field if not allowed.
  deps.model.resolve(target, 'cluster');
  return { entityRef, name, target, source: 'gke', ...backups };
}
