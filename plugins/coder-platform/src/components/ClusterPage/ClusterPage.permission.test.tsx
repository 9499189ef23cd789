import { screen } from '@testing-library/react';
import { clustersFixture } from '../../__fixtures__/clusters';
import { coderOverviewFixture } from '../../__fixtures__/coder';
import { rootRouteRef } from '../../routes';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { CoderPlatformPage } from '../CoderPlatformPage';

// usePermission caches answers per permission for the module's lifetime
// (SWR): the denied case runs in a file of its own.
describe('the cluster page without the users permission', () => {
  it('hides the Users tab without coder-platform.keycloak.users.read', async () => {
    renderWithApi(
      <CoderPlatformPage />,
      {
        getCluster: async () => clustersFixture[0],
        getCoderOverview: async () => coderOverviewFixture,
      },
      {
        allow: false,
        mountPath: '/coder-platform/*',
        initialRouteEntries: ['/coder-platform/clusters/dev-eu1'],
        mountedRoutes: { '/coder-platform': rootRouteRef },
      },
    );

    expect(await screen.findByText('v2.25.1+a1b2c3d')).toBeInTheDocument();
    expect(screen.getAllByRole('tab').map(tab => tab.textContent)).toEqual([
      'Overview',
      'Workspaces',
      'Templates',
      'Backups',
      'Releases',
    ]);
  });
});
