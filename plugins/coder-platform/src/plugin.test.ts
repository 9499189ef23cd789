import type { Entity } from '@backstage/catalog-model';
import {
  coderPlatformPlugin,
  isCoderClusterEntity,
  isWorkspaceImageEntity,
} from './plugin';
import { clusterRouteRef, rootRouteRef } from './routes';

function entity(
  kind: string,
  type: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x', annotations },
    spec: { type },
  };
}

describe('the legacy plugin', () => {
  it('is coder-platform with its API and routes', () => {
    expect(coderPlatformPlugin.getId()).toBe('coder-platform');
    expect([...coderPlatformPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.coder-platform.api',
    ]);
    expect(coderPlatformPlugin.routes).toEqual({
      root: rootRouteRef,
      cluster: clusterRouteRef,
    });
  });

  it('tells coder-cluster Resources and workspace-image Components apart for EntitySwitch', () => {
    const cluster = entity('Resource', 'coder-cluster', {
      'coder-platform.io/cluster': 'dev-eu1',
    });
    expect(isCoderClusterEntity(cluster)).toBe(true);
    expect(isCoderClusterEntity(entity('Resource', 'coder-cluster'))).toBe(
      false,
    );
    expect(
      isCoderClusterEntity(
        entity('Component', 'coder-cluster', {
          'coder-platform.io/cluster': 'dev-eu1',
        }),
      ),
    ).toBe(false);
    expect(isWorkspaceImageEntity(entity('Component', 'workspace-image'))).toBe(
      true,
    );
    expect(isWorkspaceImageEntity(entity('Resource', 'workspace-image'))).toBe(
      false,
    );
  });
});
