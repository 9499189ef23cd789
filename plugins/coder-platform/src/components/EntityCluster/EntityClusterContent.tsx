import { useEntity } from '@backstage/plugin-catalog-react';
import { ClusterBackupsContent } from '../ClusterBackups';
import { ClusterOverviewContent } from '../ClusterOverview';
import { ClusterReleasesContent } from '../ClusterReleases';
import { ClusterTemplatesContent } from '../ClusterTemplates';
import { ClusterUsersContent } from '../ClusterUsers';
import { ClusterWorkspacesContent } from '../ClusterWorkspaces';
import { EntityClusterGuard } from './EntityClusterGuard';

/** The cluster tabs shown on a `coder-cluster` Resource. */
export type EntityClusterTab =
  | 'overview'
  | 'workspaces'
  | 'templates'
  | 'users'
  | 'backups'
  | 'releases';

/** One cluster tab for the entity's cluster (from `coder-platform.io/cluster`). */
export function EntityClusterContent(props: { tab: EntityClusterTab }) {
  const { entity } = useEntity();
  return (
    <EntityClusterGuard>
      {cluster => {
        switch (props.tab) {
          case 'workspaces':
            return <ClusterWorkspacesContent cluster={cluster} />;
          case 'templates':
            return <ClusterTemplatesContent cluster={cluster} />;
          case 'users':
            return <ClusterUsersContent cluster={cluster} />;
          case 'backups':
            return <ClusterBackupsContent cluster={cluster} />;
          case 'releases':
            return <ClusterReleasesContent cluster={cluster} />;
          default:
            return (
              <ClusterOverviewContent
                cluster={cluster}
                entityLinks={entity.metadata.links}
              />
            );
        }
      }}
    </EntityClusterGuard>
  );
}
