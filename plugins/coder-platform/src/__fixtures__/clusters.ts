import type { ClusterSummary } from '@coder-platform/plugin-coder-platform-common';

/** Two clusters as the backend reports them: one fully configured, one bare. */
export const clustersFixture: ClusterSummary[] = [
  {
    name: 'dev-eu1',
    title: 'Development EU',
    upstreams: {
      coder: true,
      keycloak: true,
      postgresBackups: true,
      workspaceBackups: true,
      kubernetes: true,
    },
  },
  {
    name: 'staging',
    title: 'staging',
    upstreams: {
      coder: true,
      keycloak: false,
      postgresBackups: false,
      workspaceBackups: false,
      kubernetes: false,
    },
  },
];
