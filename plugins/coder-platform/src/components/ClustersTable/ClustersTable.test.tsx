import { screen, within } from '@testing-library/react';
import { postgresBackupsResponseFixture } from '../../__fixtures__/backups';
import { clustersFixture } from '../../__fixtures__/clusters';
import { coderOverviewFixture } from '../../__fixtures__/coder';
import { CoderPlatformApi } from '../../api';
import { rootRouteRef } from '../../routes';
import { pending, renderWithApi } from '../../__testUtils__/renderWithApi';
import {
  permissionDeniedError,
  upstreamUnavailableError,
} from '../../__testUtils__/responseErrors';
import { ClustersTable } from './ClustersTable';

function renderTable(api: Partial<CoderPlatformApi>) {
  return renderWithApi(<ClustersTable />, api, {
    mountedRoutes: { '/coder-platform': rootRouteRef },
  });
}

function rowOf(title: string) {
  return screen.getAllByText(title)[0].closest('tr')!;
}

describe('ClustersTable', () => {
  it('shows health, Coder version, workspaces and the latest backup per cluster, one request each', async () => {
    const api = {
      listClusters: jest.fn(async () => clustersFixture),
      getCoderOverview: jest.fn(async (cluster: string) => ({
        ...coderOverviewFixture,
        cluster,
      })),
      getPostgresBackups: jest.fn(async () => postgresBackupsResponseFixture),
    };
    renderTable(api);

    expect(await screen.findAllByText('v2.25.1+a1b2c3d')).toHaveLength(2);
    const dev = rowOf('Development EU');
    expect(
      within(dev).getByText('Development EU').closest('a'),
    ).toHaveAttribute('href', '/coder-platform/clusters/dev-eu1');
    expect(within(dev).getByText('warning')).toBeInTheDocument();
    expect(within(dev).getByText('17 running')).toBeInTheDocument();
    expect(within(dev).getByText('3 failed')).toBeInTheDocument();
    const latest = postgresBackupsResponseFixture.items[0];
    expect(
      await within(dev).findByText(latest.latest!.name),
    ).toBeInTheDocument();
    expect(within(dev).getByText('7 h 54 min ago')).toBeInTheDocument();

    // staging configures Coder only: no backup request for it.
    const staging = rowOf('staging');
    expect(
      within(staging).getByText('no backups configured'),
    ).toBeInTheDocument();
    expect(api.getCoderOverview.mock.calls).toEqual([['dev-eu1'], ['staging']]);
    expect(api.getPostgresBackups.mock.calls).toEqual([['dev-eu1']]);
  });

  it('never breaks a header, a health label or a Coder version mid-word; a narrow screen scrolls the table', async () => {
    renderTable({
      listClusters: jest.fn(async () => clustersFixture),
      getCoderOverview: jest.fn(async (cluster: string) => ({
        ...coderOverviewFixture,
        cluster,
      })),
      getPostgresBackups: jest.fn(async () => postgresBackupsResponseFixture),
    });
    const [version] = await screen.findAllByText('v2.25.1+a1b2c3d');
    const table = screen.getByRole('table', { name: 'Clusters' });
    for (const header of within(table).getAllByRole('columnheader')) {
      expect(header).toHaveStyle({
        wordBreak: 'normal',
        overflowWrap: 'normal',
      });
    }
    // The screenshot showed "healt hy" and "v2.25.1+cont ract".
    expect(version).toHaveStyle({ whiteSpace: 'nowrap', wordBreak: 'normal' });
    const health = within(rowOf('Development EU'))
      .getByText('warning')
      .closest('td');
    expect(health).toHaveStyle({ wordBreak: 'normal', overflowWrap: 'normal' });
    expect(table.parentElement).toHaveClass('MuiTableContainer-root');
  });

  it('shows a failing upstream in its own cell and keeps the rest of the row', async () => {
    const coderDown = await upstreamUnavailableError('coder', 'dev-eu1');
    const noBackupsPermission = await permissionDeniedError(
      'coder-platform.backups.read',
    );
    renderTable({
      listClusters: async () => [clustersFixture[0]],
      getCoderOverview: () => Promise.reject(coderDown),
      getPostgresBackups: () => Promise.reject(noBackupsPermission),
    });

    expect(
      await screen.findByText(
        /unavailable: coder of cluster dev-eu1 is unavailable and nothing is cached/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'permission required: You need the permission coder-platform.backups.read',
      ),
    ).toBeInTheDocument();
  });

  it('marks stale cells with when they were read', async () => {
    renderTable({
      listClusters: async () => [clustersFixture[1]],
      getCoderOverview: async () => ({
        ...coderOverviewFixture,
        stale: true,
        fetchedAt: '2026-11-30T06:00:00.000Z',
        error: { upstream: 'coder', message: 'connect ETIMEDOUT' },
      }),
    });
    expect(
      await screen.findByText(
        `stale, from ${new Date(
          '2026-11-30T06:00:00.000Z',
        ).toLocaleString()}: connect ETIMEDOUT`,
      ),
    ).toBeInTheDocument();
  });

  it('shows progress per cell while a cluster loads', async () => {
    renderTable({
      listClusters: async () => [clustersFixture[0]],
      getCoderOverview: () => pending(),
      getPostgresBackups: () => pending(),
    });
    expect(await screen.findAllByLabelText('Loading')).toHaveLength(2);
  });

  it('says how to configure clusters when there are none', async () => {
    renderTable({ listClusters: async () => [] });
    expect(
      await screen.findByText(/No clusters configured/),
    ).toBeInTheDocument();
  });

  it('names the permission when the cluster list is denied', async () => {
    const error = await permissionDeniedError('coder-platform.cluster.read');
    renderTable({ listClusters: () => Promise.reject(error) });
    expect(
      await screen.findByText('Clusters: permission required'),
    ).toBeInTheDocument();
    expect(screen.getByText('coder-platform.cluster.read')).toBeInTheDocument();
  });
});
