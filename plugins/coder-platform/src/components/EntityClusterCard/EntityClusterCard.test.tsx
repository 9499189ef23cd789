import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { coderOverviewFixture } from '../../__fixtures__/coder';
import { CoderPlatformApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { dataStateCases } from '../../__testUtils__/states';
import { EntityClusterCard } from './EntityClusterCard';

function clusterResource(cluster?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'dev-cluster',
      annotations: cluster ? { 'coder-platform.io/cluster': cluster } : {},
    },
    spec: { type: 'coder-cluster', owner: 'platform-team' },
  };
}

function renderFor(
  entity: Entity,
  api: Partial<CoderPlatformApi>,
  mounted = true,
) {
  return renderWithApi(
    <EntityProvider entity={entity}>
      <EntityClusterCard />
    </EntityProvider>,
    api,
    mounted ? { mountedRoutes: { '/coder-platform': rootRouteRef } } : {},
  );
}

describe('EntityClusterCard', () => {
  it("shows the cluster's Coder version, health, workspaces and a link to its page", async () => {
    const getCoderOverview = jest.fn(async () => coderOverviewFixture);
    renderFor(clusterResource('dev-eu1'), { getCoderOverview });

    expect(
      await screen.findByText('Coder cluster: dev-eu1'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Coder v2\.25\.1\+a1b2c3d/),
    ).toBeInTheDocument();
    expect(screen.getByText('2 failing health sections')).toBeInTheDocument();
    expect(
      within(screen.getByLabelText('Workspaces by status')).getByText(
        '17 running',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/2 templates, 1 of 2 provisioner daemons online/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Open the cluster page').closest('a'),
    ).toHaveAttribute('href', '/coder-platform/clusters/dev-eu1');
    expect(getCoderOverview).toHaveBeenCalledWith('dev-eu1');
  });

  it('leaves out the link when the app has no Coder Platform page', async () => {
    renderFor(
      clusterResource('dev-eu1'),
      { getCoderOverview: async () => coderOverviewFixture },
      false,
    );
    expect(await screen.findByText(/Coder v2\.25\.1/)).toBeInTheDocument();
    expect(screen.queryByText('Open the cluster page')).not.toBeInTheDocument();
  });

  it('reports an invalid annotation value without calling the backend', async () => {
    const getCoderOverview = jest.fn(async () => coderOverviewFixture);
    renderFor(clusterResource('Prod_US'), { getCoderOverview });

    const messages = await screen.findAllByText(
      /is "Prod_US", which is not a valid cluster name/,
    );
    expect(messages.length).toBeGreaterThan(0);
    expect(getCoderOverview).not.toHaveBeenCalled();
  });

  it('names the annotation to add when the entity has none', async () => {
    renderFor(clusterResource(), {});
    expect(
      await screen.findByText(/This entity names no cluster/),
    ).toBeInTheDocument();
    expect(screen.getByText('coder-platform.io/cluster')).toBeInTheDocument();
  });

  it.each(
    dataStateCases({
      render: api => renderFor(clusterResource('dev-eu1'), api),
      method: 'getCoderOverview',
      what: 'Coder deployment',
      configKey: 'coderPlatform.clusters[].coder',
      permission: 'coder-platform.coder.read',
      upstream: 'coder',
      value: coderOverviewFixture,
      dataText: /Coder v2\.25\.1/,
    }),
  )('$name', async ({ run }) => {
    expect.hasAssertions();
    await run();
  });
});
