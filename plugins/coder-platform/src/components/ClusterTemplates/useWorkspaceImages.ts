import { Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  CODER_PLATFORM_CLUSTER_ANNOTATION,
  CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION,
} from '@coder-platform/plugin-coder-platform-common';
import useAsync from 'react-use/esm/useAsync';

/**
 * The Coder template a `workspace-image` Component names, for this cluster:
 * its `coder-platform.io/coder-template` annotation, when its
 * `coder-platform.io/cluster` annotation is this cluster or absent.
 */
export function templateOfImage(
  entity: Entity,
  cluster: string,
): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const imageCluster = annotations[CODER_PLATFORM_CLUSTER_ANNOTATION]?.trim();
  if (imageCluster && imageCluster !== cluster) return undefined;
  return (
    annotations[CODER_PLATFORM_CODER_TEMPLATE_ANNOTATION]?.trim() || undefined
  );
}

/**
 * The catalog's `workspace-image` Components by the Coder template they
 * name. An unreachable catalog yields an error, shown beside the templates.
 */
export function useWorkspaceImages(cluster: string) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Component', 'spec.type': 'workspace-image' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'metadata.annotations',
      ],
    });
    const byTemplate = new Map<string, Entity[]>();
    for (const entity of items) {
      const template = templateOfImage(entity, cluster);
      if (!template) continue;
      byTemplate.set(template, [...(byTemplate.get(template) ?? []), entity]);
    }
    return byTemplate;
  }, [catalogApi, cluster]);
}
