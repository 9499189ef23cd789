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
