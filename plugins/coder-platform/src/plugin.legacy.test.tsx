import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { clustersFixture } from './__fixtures__/clusters';
import { coderOverviewFixture } from './__fixtures__/coder';
import { helmReleasesFixture } from './__fixtures__/releases';
import { CoderPlatformApi, coderPlatformApiRef } from './api';
import {
  CoderPlatformPage,
  EntityCoderClusterCard,
  EntityCoderClusterContent,
} from './plugin';
import { rootRouteRef } from './routes';

const api: Partial<CoderPlatformApi> = {
  listClusters: async () => clustersFixture,
  getCoderOverview: async () => coderOverviewFixture,
  getPostgresBackups: async () => ({
    cluster: 'dev-eu1',
    items: [],
    health: 'ok',
    fetchedAt: coderOverviewFixture.fetchedAt,
    stale: false,
  }),
  getReleases: async () => helmReleasesFixture,
};

const cluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev-eu1',
    annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
  },
  spec: { type: 'coder-cluster', owner: 'platform-team' },
};

function renderLegacy(
  element: JSX.Element,
  options: Parameters<typeof renderInTestApp>[1] = {
    mountedRoutes: { '/coder-platform': rootRouteRef },
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [coderPlatformApiRef, api],
        [permissionApiRef, new MockPermissionApi()],
      ]}
    >
      {element}
    </TestApiProvider>,
    options,
  );
}

describe('the legacy extensions', () => {
  it('CoderPlatformPage renders its own header and the clusters', async () => {
    await renderLegacy(
      <Routes>
        <Route path="/coder-platform/*" element={<CoderPlatformPage />} />
      </Routes>,
      { routeEntries: ['/coder-platform'] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Coder Platform' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Development EU')).toBeInTheDocument();
    expect(await screen.findAllByText('v2.25.1+a1b2c3d')).toHaveLength(2);
  });

  it('EntityCoderClusterCard and EntityCoderClusterContent read the entity', async () => {
    await renderLegacy(
      <EntityProvider entity={cluster}>
        <EntityCoderClusterCard />
        <EntityCoderClusterContent tab="releases" />
      </EntityProvider>,
    );
    expect(
      await screen.findByText('Coder cluster: dev-eu1'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Helm releases' }),
    ).toBeInTheDocument();
  });
});
