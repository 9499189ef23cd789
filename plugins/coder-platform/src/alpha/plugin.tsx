import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import CloudIcon from '@material-ui/icons/Cloud';
import { clusterRouteRef, rootRouteRef } from '../routes';
import { coderPlatformApi } from './apis';
import { entityClusterCard, entityWorkspaceImageCard } from './entityCards';
import { entityClusterContents } from './entityContents';
import { coderPlatformPage } from './pages';

/** The Coder Platform plugin for the new frontend system. */
export const coderPlatformPlugin = createFrontendPlugin({
  pluginId: 'coder-platform',
  title: 'Coder Platform',
  icon: <CloudIcon />,
  routes: { root: rootRouteRef, cluster: clusterRouteRef },
  extensions: [
    coderPlatformApi,
    coderPlatformPage,
    entityClusterCard,
    entityWorkspaceImageCard,
    ...entityClusterContents,
  ],
});
