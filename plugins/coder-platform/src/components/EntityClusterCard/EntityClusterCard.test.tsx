import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { clustersFixture } from '../../__fixtures__/clusters';
import { coderPlatformApiRef } from '../../api';
import { EntityClusterCard } from './EntityClusterCard';

function clusterResource(cluster: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'dev-cluster',
      annotations: { 'coder-platform.io/cluster': cluster },
    },
    spec: { type: 'coder-cluster', owner: 'platform-team' },
  };
}

function renderFor(entity: Entity) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [coderPlatformApiRef, { listClusters: async () => clustersFixture }],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityClusterCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityClusterCard', () => {
  it('shows the bound cluster and its upstreams', async () => {
    await renderFor(clusterResource('staging'));

    expect(
      await screen.findByText('Coder cluster: staging'),
    ).toBeInTheDocument();
    expect(screen.getByText('Coder')).toBeInTheDocument();
    expect(screen.queryByText('Keycloak')).not.toBeInTheDocument();
  });

  it('warns when the backend has no cluster of that name', async () => {
    await renderFor(clusterResource('prod-us1'));

    expect(
      await screen.findByText(/Cluster "prod-us1" is not configured/),
    ).toBeInTheDocument();
  });

  it('reports an invalid annotation value', async () => {
    await renderFor(clusterResource('Prod_US'));

    // The error panel repeats the message in its details.
    const messages = await screen.findAllByText(
      /is "Prod_US", which is not a valid cluster name/,
    );
    expect(messages.length).toBeGreaterThan(0);
  });
});
