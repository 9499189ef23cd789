import { TabbedLayout } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import { coderPlatformKeycloakUsersReadPermission } from '@coder-platform/plugin-coder-platform-common';
import { ClusterBackupsContent } from '../ClusterBackups';
import { ClusterOverviewContent } from '../ClusterOverview';
import { ClusterReleasesContent } from '../ClusterReleases';
import { ClusterTemplatesContent } from '../ClusterTemplates';
import { ClusterUsersContent } from '../ClusterUsers';
import { ClusterWorkspacesContent } from '../ClusterWorkspaces';

/** The tabs of a cluster, in order; the Users tab needs its permission. */
export const CLUSTER_TABS = [
  { path: '/', title: 'Overview' },
  { path: '/workspaces', title: 'Workspaces' },
  { path: '/templates', title: 'Templates' },
  { path: '/users', title: 'Users' },
  { path: '/backups', title: 'Backups' },
  { path: '/releases', title: 'Releases' },
] as const;

/**
 * One tab each: Overview, Workspaces, Templates, Users (only with
 * `coder-platform.keycloak.users.read`), Backups, Releases.
 */
export function ClusterTabs(props: {
  cluster: string;
  entityLinks?: { title?: string; url: string }[];
}) {
  const { cluster } = props;
  const users = usePermission({
    permission: coderPlatformKeycloakUsersReadPermission,
  });
  const tabs = [
    <TabbedLayout.Route key="overview" path="/" title="Overview">
      <ClusterOverviewContent
        cluster={cluster}
        entityLinks={props.entityLinks}
      />
    </TabbedLayout.Route>,
    <TabbedLayout.Route key="workspaces" path="/workspaces" title="Workspaces">
      <ClusterWorkspacesContent cluster={cluster} />
    </TabbedLayout.Route>,
    <TabbedLayout.Route key="templates" path="/templates" title="Templates">
      <ClusterTemplatesContent cluster={cluster} />
    </TabbedLayout.Route>,
  ];
  if (users.allowed) {
    tabs.push(
      <TabbedLayout.Route key="users" path="/users" title="Users">
        <ClusterUsersContent cluster={cluster} />
      </TabbedLayout.Route>,
    );
  }
  tabs.push(
    <TabbedLayout.Route key="backups" path="/backups" title="Backups">
      <ClusterBackupsContent cluster={cluster} />
    </TabbedLayout.Route>,
    <TabbedLayout.Route key="releases" path="/releases" title="Releases">
      <ClusterReleasesContent cluster={cluster} />
    </TabbedLayout.Route>,
  );
  return <TabbedLayout>{tabs}</TabbedLayout>;
}
