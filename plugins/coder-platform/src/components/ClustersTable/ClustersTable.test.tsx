import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { clustersFixture } from '../../__fixtures__/clusters';
import { CoderPlatformApi, coderPlatformApiRef } from '../../api';
import { ClustersTable } from './ClustersTable';

function renderWith(api: CoderPlatformApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[coderPlatformApiRef, api]]}>
      <ClustersTable />
    </TestApiProvider>,
  );
}

describe('ClustersTable', () => {
  it('lists each cluster with the upstreams it has configured', async () => {
    await renderWith({ listClusters: async () => clustersFixture });

    expect(await screen.findByText('Development EU')).toBeInTheDocument();
    expect(screen.getByText('dev-eu1')).toBeInTheDocument();
    // dev-eu1 has all five upstreams, staging only Coder.
    expect(screen.getAllByText('Coder')).toHaveLength(2);
    expect(screen.getAllByText('Keycloak')).toHaveLength(1);
    expect(screen.getAllByText('Postgres backups')).toHaveLength(1);
  });

  it('says how to configure clusters when there are none', async () => {
    await renderWith({ listClusters: async () => [] });

    expect(
      await screen.findByText(/No clusters configured/),
    ).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    await renderWith({
      listClusters: async () => {
        throw new Error('Missing permission coder-platform.cluster.read');
      },
    });

    // The error panel repeats the message in its details.
    expect(
      (
        await screen.findAllByText(
          /Missing permission coder-platform.cluster.read/,
        )
      ).length,
    ).toBeGreaterThan(0);
  });
});
