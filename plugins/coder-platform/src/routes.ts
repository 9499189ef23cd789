import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/**
 * The Coder Platform page. Legacy route refs work in both frontend systems,
 * so the legacy plugin and the `./alpha` plugin share them.
 */
export const rootRouteRef = createRouteRef({ id: 'coder-platform' });

/** One cluster's page, under the Coder Platform page. */
export const clusterRouteRef = createSubRouteRef({
  id: 'coder-platform/cluster',
  parent: rootRouteRef,
  path: '/clusters/:name',
});
