import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { EntityClusterTab } from '../components/EntityCluster';
import { coderClusterFilter } from './filters';

function clusterContent(tab: EntityClusterTab, path: string, title: string) {
  return EntityContentBlueprint.make({
    name: `cluster-${tab}`,
    params: {
      path,
      title,
      filter: coderClusterFilter,
      loader: () =>
        import('../components/EntityCluster').then(m => (
          <m.EntityClusterContent tab={tab} />
        )),
    },
  });
}

/** The cluster tabs on a `coder-cluster` Resource's entity page, as top-level tabs. */
export const entityClusterContents = [
  clusterContent('overview', '/coder', 'Coder'),
  clusterContent('workspaces', '/coder-workspaces', 'Workspaces'),
  clusterContent('templates', '/coder-templates', 'Templates'),
  clusterContent('users', '/keycloak-users', 'Users'),
  clusterContent('backups', '/backups', 'Backups'),
  clusterContent('releases', '/helm-releases', 'Releases'),
];
