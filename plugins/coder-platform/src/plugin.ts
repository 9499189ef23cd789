import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { CODER_PLATFORM_CLUSTER_ANNOTATION } from '@coder-platform/plugin-coder-platform-common';
import { CoderPlatformClient, coderPlatformApiRef } from './api';
import { clusterRouteRef, rootRouteRef } from './routes';

/**
 * The Coder Platform plugin for apps on the legacy frontend system. Apps on
 * the new frontend system use the default export of
 * `@coder-platform/plugin-coder-platform/alpha` instead.
 */
export const coderPlatformPlugin = createPlugin({
  id: 'coder-platform',
  apis: [
    createApiFactory({
      api: coderPlatformApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CoderPlatformClient(deps),
    }),
  ],
  routes: { root: rootRouteRef, cluster: clusterRouteRef },
});

/** The Coder Platform page (every cluster, and each cluster's tabs under `clusters/:name`). */
export const CoderPlatformPage = coderPlatformPlugin.provide(
  createRoutableExtension({
    name: 'CoderPlatformPage',
    component: () =>
      import('./components/CoderPlatformPage').then(
        m => m.LegacyCoderPlatformPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/** Overview card for a `coder-cluster` Resource. */
export const EntityCoderClusterCard = coderPlatformPlugin.provide(
  createComponentExtension({
    name: 'EntityCoderClusterCard',
    component: {
      lazy: () =>
        import('./components/EntityClusterCard').then(m => m.EntityClusterCard),
    },
  }),
);

/** One cluster tab (`tab`: overview, workspaces, templates, users, backups, releases) for a `coder-cluster` Resource. */
export const EntityCoderClusterContent = coderPlatformPlugin.provide(
  createComponentExtension({
    name: 'EntityCoderClusterContent',
    component: {
      lazy: () =>
        import('./components/EntityCluster').then(m => m.EntityClusterContent),
    },
  }),
);

/** Card for a `workspace-image` Component: its Coder template and the workspaces using it. */
export const EntityWorkspaceImageCard = coderPlatformPlugin.provide(
  createComponentExtension({
    name: 'EntityWorkspaceImageCard',
    component: {
      lazy: () =>
        import('./components/EntityWorkspaceImageCard').then(
          m => m.EntityWorkspaceImageCard,
        ),
    },
  }),
);

/** For `<EntitySwitch.Case if={isCoderClusterEntity}>`: a `coder-cluster` Resource naming its cluster. */
export function isCoderClusterEntity(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'resource' &&
    String(entity.spec?.type ?? '').toLowerCase() === 'coder-cluster' &&
    Boolean(entity.metadata.annotations?.[CODER_PLATFORM_CLUSTER_ANNOTATION])
  );
}

/** For `<EntitySwitch.Case if={isWorkspaceImageEntity}>`: a `workspace-image` Component. */
export function isWorkspaceImageEntity(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'component' &&
    String(entity.spec?.type ?? '').toLowerCase() === 'workspace-image'
  );
}
