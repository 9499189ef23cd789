import type { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { clustersFixture } from '../__fixtures__/clusters';
import { coderOverviewFixture } from '../__fixtures__/coder';
import { helmReleasesFixture } from '../__fixtures__/releases';
import { CoderPlatformApi, coderPlatformApiRef } from '../api';
import plugin from '../alpha';

const coderCluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev-eu1',
    annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
  },
  spec: { type: 'coder-cluster', owner: 'platform-team' },
};

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    // Even with the annotation, a Component is not a cluster.
    annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

const unboundResource: Entity = {
  ...coderCluster,
  metadata: { name: 'dev-eu2' },
};

const workspaceImage: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'devbox-image',
    annotations: {
      'coder-platform.io/cluster': 'dev-eu1',
      'coder-platform.io/coder-template': 'devbox',
    },
  },
  spec: {
    type: 'workspace-image',
    owner: 'platform-team',
    lifecycle: 'production',
  },
};

const api: Partial<CoderPlatformApi> = {
  getCoderOverview: async () => coderOverviewFixture,
  getReleases: async () => helmReleasesFixture,
  listWorkspaces: async () => ({
    cluster: 'dev-eu1',
    fetchedAt: coderOverviewFixture.fetchedAt,
    stale: false,
    limit: 10,
    offset: 0,
    count: 0,
    items: [],
  }),
};

function renderEntity(entity: Entity, extensionIds: string[]) {
  return renderTestApp({
    extensions: [
      createTestEntityPage({ entity }),
      ...extensionIds.map(id => plugin.getExtension(id as any)),
    ],
    apis: [[coderPlatformApiRef, api], mockApis.permission()],
  });
}

describe('the ./alpha plugin', () => {
  it('is the coder-platform plugin with its API, page, cards and cluster tabs', () => {
    expect(plugin.id).toBe('coder-platform');
    for (const id of [
      'api:coder-platform',
      'page:coder-platform',
      'entity-card:coder-platform/cluster',
      'entity-card:coder-platform/workspace-image',
      'entity-content:coder-platform/cluster-overview',
      'entity-content:coder-platform/cluster-workspaces',
      'entity-content:coder-platform/cluster-templates',
      'entity-content:coder-platform/cluster-users',
      'entity-content:coder-platform/cluster-backups',
      'entity-content:coder-platform/cluster-releases',
    ]) {
      expect(plugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('mounts the Coder Platform page at /coder-platform', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:coder-platform'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/coder-platform');
  });

  it("renders a cluster's tabs under the page's own route", async () => {
    renderTestApp({
      extensions: [plugin.getExtension('page:coder-platform')],
      apis: [
        [
          coderPlatformApiRef,
          {
            ...api,
            getCluster: async () => clustersFixture[0],
          },
        ],
        mockApis.permission(),
        catalogApiMock(),
      ],
      initialRouteEntries: ['/coder-platform/clusters/dev-eu1/releases'],
    });
    expect(
      await screen.findByRole('heading', { name: 'Development EU' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Helm releases' }),
    ).toBeInTheDocument();
  });

  it('shows the cluster card on a coder-cluster Resource', async () => {
    renderEntity(coderCluster, ['entity-card:coder-platform/cluster']);
    expect(
      await screen.findByText('Coder cluster: dev-eu1'),
    ).toBeInTheDocument();
    expect(await screen.findByText(/Coder v2\.25\.1/)).toBeInTheDocument();
  });

  it.each([
    ['a Component with the annotation', service],
    ['a coder-cluster Resource without the annotation', unboundResource],
  ])('shows no cluster card or tab on %s', async (_name, entity) => {
    renderEntity(entity, [
      'entity-card:coder-platform/cluster',
      'entity-content:coder-platform/cluster-overview',
      'entity-content:coder-platform/cluster-releases',
    ]);
    expect(await screen.findByTestId('empty-entity-page')).toBeInTheDocument();
  });

  it('shows a cluster tab on a coder-cluster Resource', async () => {
    renderEntity(coderCluster, [
      'entity-content:coder-platform/cluster-releases',
    ]);
    expect(
      await screen.findByRole('table', { name: 'Helm releases' }),
    ).toBeInTheDocument();
  });

  it('shows the workspace-image card only on workspace-image Components', async () => {
    renderEntity(workspaceImage, [
      'entity-card:coder-platform/workspace-image',
      'entity-card:coder-platform/cluster',
    ]);
    expect(
      await screen.findByText('Coder template and workspaces'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Devbox')).toBeInTheDocument();
    expect(screen.queryByText(/Coder cluster:/)).not.toBeInTheDocument();
  });
});
