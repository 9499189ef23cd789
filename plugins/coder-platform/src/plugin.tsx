import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { CODER_PLATFORM_CLUSTER_ANNOTATION } from '@coder-platform/plugin-coder-platform-common';
import CloudIcon from '@material-ui/icons/Cloud';
import { CoderPlatformClient, coderPlatformApiRef } from './api';
import { rootRouteRef } from './routes';

const coderPlatformApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: coderPlatformApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new CoderPlatformClient(deps),
    }),
});

const coderPlatformPage = PageBlueprint.make({
  params: {
    path: '/coder-platform',
    title: 'Coder Platform',
    icon: <CloudIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/CoderPlatformPage').then(m => (
        <m.CoderPlatformPage />
      )),
  },
});

/** Shown on entities that carry the cluster annotation. */
const entityClusterCard = EntityCardBlueprint.make({
  name: 'cluster',
  params: {
    filter: entity =>
      Boolean(entity.metadata.annotations?.[CODER_PLATFORM_CLUSTER_ANNOTATION]),
    loader: () =>
      import('./components/EntityClusterCard').then(m => (
        <m.EntityClusterCard />
      )),
  },
});

/** The Coder Platform frontend plugin (new frontend system). */
export const coderPlatformPlugin = createFrontendPlugin({
  pluginId: 'coder-platform',
  title: 'Coder Platform',
  icon: <CloudIcon />,
  routes: { root: rootRouteRef },
  extensions: [coderPlatformApi, coderPlatformPage, entityClusterCard],
});
