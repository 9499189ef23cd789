import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { clustersFixture } from '../../__fixtures__/clusters';
import {
  coderOverviewFixture,
  coderWorkspacesResponse,
} from '../../__fixtures__/coder';
import { helmReleasesFixture } from '../../__fixtures__/releases';
import { CoderPlatformApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { responseError } from '../../__testUtils__/responseErrors';
import { CoderPlatformPage } from '../CoderPlatformPage';

const api: Partial<CoderPlatformApi> = {
  listClusters: async () => clustersFixture,
  getCluster: async name => {
    const found = clustersFixture.find(c => c.name === name);
    if (!found) {
      throw await responseError(
        404,
        'NotFoundError',
        `No cluster named "${name}" is configured (coderPlatform.clusters[].name)`,
      );
    }
    return found;
  },
  getCoderOverview: async () => coderOverviewFixture,
  listWorkspaces: async (_cluster, query) => coderWorkspacesResponse(query),
  getReleases: async () => helmReleasesFixture,
};

/** The cluster's catalog Resource, as the provisioning template registers it. */
const clusterResource: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev-eu1',
    annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
    links: [
      { title: 'Grafana', url: 'https://grafana.dev-eu1.example.com' },
      { title: 'Prometheus', url: 'https://prometheus.dev-eu1.example.com' },
    ],
  },
  spec: { type: 'coder-cluster', owner: 'platform-team' },
};

function renderAt(path: string, allow = true) {
  return renderWithApi(<CoderPlatformPage />, api, {
    allow,
    extraApis: [
      [catalogApiRef, catalogApiMock({ entities: [clusterResource] })],
    ],
    mountPath: '/coder-platform/*',
    initialRouteEntries: [path],
    mountedRoutes: { '/coder-platform': rootRouteRef },
  });
}

describe('CoderPlatformPage and the cluster page', () => {
  it('lists the clusters at the root, each linking to its cluster page', async () => {
    renderAt('/coder-platform');
    expect(
      (await screen.findByText('Development EU')).closest('a'),
    ).toHaveAttribute('href', '/coder-platform/clusters/dev-eu1');
  });

  it('shows a cluster with one tab each, Overview first', async () => {
    renderAt('/coder-platform/clusters/dev-eu1');

    expect(
      await screen.findByRole('heading', { name: 'Development EU' }),
    ).toBeInTheDocument();
    const tabs = screen.getAllByRole('tab').map(tab => tab.textContent);
    expect(tabs).toEqual([
      'Overview',
      'Workspaces',
      'Templates',
      'Users',
      'Backups',
      'Releases',
    ]);
    expect(await screen.findByText('v2.25.1+a1b2c3d')).toBeInTheDocument();
    // Links the backend does not know come from the cluster's catalog Resource.
    const links = screen.getByRole('list', { name: 'Cluster links' });
    expect(await within(links).findByText('Grafana')).toHaveAttribute(
      'href',
      'https://grafana.dev-eu1.example.com',
    );
    expect(within(links).getByText('Prometheus')).toBeInTheDocument();
    expect(
      screen.getByText(/No URL known for Keycloak, Alertmanager/),
    ).toBeInTheDocument();
    expect(screen.getByText('All clusters').closest('a')).toHaveAttribute(
      'href',
      '/coder-platform',
    );
  });

  it('opens a tab by its path', async () => {
    renderAt('/coder-platform/clusters/dev-eu1/releases');
    const table = await screen.findByRole('table', { name: 'Helm releases' });
    expect(within(table).getByText('not pinned')).toBeInTheDocument();
  });

  it('switches tabs on click', async () => {
    renderAt('/coder-platform/clusters/dev-eu1');
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Workspaces' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Workspaces' }),
    ).toBeInTheDocument();
  });

  it('says which key to set for an unknown cluster', async () => {
    renderAt('/coder-platform/clusters/prod-us1');
    expect(
      await screen.findByText('Cluster prod-us1: not configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coderPlatform.clusters[].name'),
    ).toBeInTheDocument();
  });
});
