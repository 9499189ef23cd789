import { PageBlueprint } from '@backstage/frontend-plugin-api';
import CloudIcon from '@material-ui/icons/Cloud';
import { rootRouteRef } from '../routes';

/**
 * The Coder Platform page: every cluster, and each cluster's tabs at
 * `clusters/:name`. The tabs carry a route parameter, and sub-pages cannot
 * nest in this frontend-plugin-api version, so the page routes them itself.
 */
export const coderPlatformPage = PageBlueprint.make({
  params: {
    path: '/coder-platform',
    title: 'Coder Platform',
    icon: <CloudIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/CoderPlatformPage').then(m => (
        <m.CoderPlatformPage />
      )),
  },
});
