import { configure, screen, within } from '@testing-library/react';
import {
  mainPostgresStatusFixture,
  postgresBackupsResponseFixture,
  workspaceBackupsResponseFixture,
} from '../../__fixtures__/backups';
import {
  notConfiguredError,
  permissionDeniedError,
  upstreamUnavailableError,
} from '../../__testUtils__/responseErrors';
import {
  backupsApi,
  failing,
  renderBackups,
} from './__testUtils__/renderBackups';

// The workspace table is a material-table; the shared CI machine is slow.
jest.setTimeout(90_000);
// findBy/waitFor wait for a render, not for a clock: give a loaded machine time.
configure({ asyncUtilTimeout: 15_000 });

function fact(label: string) {
  return screen.getByRole('group', { name: label });
}

describe('ClusterBackupsContent', () => {
  it('shows progress for each half while it loads', async () => {
    renderBackups(
      backupsApi({
        getPostgresBackups: jest.fn(() => new Promise<never>(() => {})),
        getWorkspaceBackups: jest.fn(() => new Promise<never>(() => {})),
      }),
    );
    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading Postgres backups',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', {
        name: 'Loading Workspace home backups',
      }),
    ).toBeInTheDocument();
  });

  it('shows the Postgres backups: age against the schedule, WAL lag, missed days, broken chains, unreadable', async () => {
    const api = backupsApi();
    renderBackups(api);

    expect(await screen.findByText('main-postgres-db')).toBeInTheDocument();
    expect(api.getPostgresBackups).toHaveBeenCalledWith('dev-eu1');
    expect(screen.getAllByText('Critical').length).toBeGreaterThan(0);
    const health = screen.getByRole('alert', {
      name: 'Health of main-postgres-db',
    });
    expect(health).toHaveTextContent(
      'Delta backup base_0000000100000003000000B0_D_000000010000000300000080 cannot be restored: base_000000010000000300000080_D_000000010000000300000050 is missing',
    );
    expect(health).toHaveTextContent('No WAL archived for 90 min');

    const latest = fact('Latest base backup');
    expect(latest).toHaveTextContent('7 h 54 min ago');
    expect(latest).toHaveTextContent(
      'base_000000010000000400000070_D_000000010000000400000040, finished 2026-11-30 01:05 UTC; covers the run due 2026-11-30 01:00 UTC',
    );
    expect(fact('Schedule (UTC)')).toHaveTextContent(
      '0 1 * * *Next run 2026-12-01 01:00 UTC',
    );
    expect(fact('Base backups')).toHaveTextContent('14retain 14, 1 permanent');
    expect(fact('WAL archiving lag')).toHaveTextContent(
      '1 h 30 min behindNewest 00000001000000040000009C.lz4, uploaded 2026-11-30 07:30 UTC, timeline 1',
    );
    expect(fact('Days without a scheduled backup')).toHaveTextContent(
      '22026-11-21, 2026-11-25',
    );

    const chains = screen.getByRole('alert', { name: 'Broken delta chains' });
    expect(chains).toHaveTextContent(
      'Chain of full backup base_000000010000000200000090 (4 deltas)',
    );
    expect(chains).toHaveTextContent(
      'base_0000000100000003000000B0_D_000000010000000300000080 cannot be restored: it needs base_000000010000000300000080_D_000000010000000300000050, which is missing from storage',
    );
    expect(
      screen.getByRole('alert', { name: 'Unreadable backups' }),
    ).toHaveTextContent(
      'base_000000010000000100000070: metadata.json of base_000000010000000100000070: Unexpected end of JSON input',
    );

    expect(
      screen.getByRole('figure', {
        name: 'Base backups of main-postgres-db over time',
      }),
    ).toBeInTheDocument();
    const rows = within(
      screen.getByRole('table', { name: 'Base backups of main-postgres-db' }),
    ).getAllByRole('row');
    expect(rows).toHaveLength(15);
    expect(rows[1]).toHaveTextContent(
      'base_000000010000000400000070_D_000000010000000400000040Delta2026-11-30 01:00 UTC2026-11-30 01:05 UTC',
    );
    expect(rows[14]).toHaveTextContent('base_0000000100000001000000A0Full');
    expect(rows[14]).toHaveTextContent('Permanent');
    expect(
      within(
        rows.find(r => r.textContent?.includes('3000000B0_D_'))!,
      ).getByText('Cannot be restored'),
    ).toBeInTheDocument();
  });

  it('shows each workspace repository with its latest snapshot, and the one that failed', async () => {
    const api = backupsApi();
    renderBackups(api);

    expect(await screen.findByText('coder-alice-dev')).toBeInTheDocument();
    expect(api.getWorkspaceBackups).toHaveBeenCalledWith('dev-eu1');
    expect(
      screen.getByText(
        '5 restic repositories under gs:coder-storage-spaces-example-com:/coder/dev-eu1/<repository>, 1 unreadable',
      ),
    ).toBeInTheDocument();
    const row = (repository: string) =>
      screen.getByText(repository).closest('tr')!;
    expect(row('coder-alice-dev')).toHaveTextContent(
      'coder-alice-dev3844 min 58 s ago4f1c2a9e, 2026-11-30 08:15 UTC1.8 GiB48,211OK',
    );
    expect(row('coder-bob-devbox')).toHaveTextContent('15 h 44 min ago');
    expect(row('coder-bob-devbox')).toHaveTextContent('700.0 MiB');
    expect(row('coder-carol-ml')).toHaveTextContent('8 d 21 h ago');
    expect(row('coder-carol-ml')).toHaveTextContent('15.0 GiB');
    expect(row('coder-dave-dev')).toHaveTextContent('No snapshot yet');
    expect(row('coder-erin-dev')).toHaveTextContent(
      'Fatal: wrong password or no key found for repository',
    );
  });

  it('keeps the workspace half when Postgres backups are not configured', async () => {
    renderBackups(
      backupsApi({
        getPostgresBackups: failing(
          await notConfiguredError('dev-eu1', 'backups.postgres'),
        ),
      }),
    );
    expect(
      await screen.findByText('Postgres backups: not configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coderPlatform.clusters[].backups.postgres'),
    ).toBeInTheDocument();
    expect(await screen.findByText('coder-alice-dev')).toBeInTheDocument();
  });

  it('keeps the Postgres half when restic is not configured', async () => {
    renderBackups(
      backupsApi({
        getWorkspaceBackups: failing(
          await notConfiguredError('dev-eu1', 'backups.restic'),
        ),
      }),
    );
    expect(
      await screen.findByText('Workspace home backups: not configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('coderPlatform.clusters[].backups.restic'),
    ).toBeInTheDocument();
    expect(await screen.findByText('main-postgres-db')).toBeInTheDocument();
  });

  it('shows one failing upstream without hiding the other half', async () => {
    renderBackups(
      backupsApi({
        getPostgresBackups: failing(
          await upstreamUnavailableError('gcs', 'dev-eu1'),
        ),
      }),
    );
    expect(
      await screen.findByText('Postgres backups: unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/gcs of cluster dev-eu1 is unavailable/),
    ).toBeInTheDocument();
    expect(await screen.findByText('coder-erin-dev')).toBeInTheDocument();
  });

  it('marks only the stale half with when it was read and the upstream error', async () => {
    const fetchedAt = '2026-11-30T03:00:00.000Z';
    renderBackups(
      backupsApi({
        getWorkspaceBackups: jest.fn(async () => ({
          ...workspaceBackupsResponseFixture,
          stale: true,
          fetchedAt,
          error: { upstream: 'restic', message: 'restic exited with 1' },
        })),
      }),
    );
    expect(await screen.findByText('coder-alice-dev')).toBeInTheDocument();
    expect(await screen.findByText('main-postgres-db')).toBeInTheDocument();
    const banners = screen.getAllByRole('status');
    expect(banners).toHaveLength(1);
    expect(banners[0]).toHaveTextContent(
      `Showing data from ${new Date(fetchedAt).toLocaleString()}`,
    );
    expect(banners[0]).toHaveTextContent('restic failed: restic exited with 1');
  });

  it('names the permission to ask for when the backend refuses', async () => {
    const denied = await permissionDeniedError('coder-platform.backups.read');
    renderBackups(
      backupsApi({
        getPostgresBackups: failing(denied),
        getWorkspaceBackups: failing(denied),
      }),
    );
    expect(
      await screen.findByText('Postgres backups: permission required'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Workspace home backups: permission required'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('coder-platform.backups.read')).toHaveLength(2);
    expect(screen.queryByText(/403/)).not.toBeInTheDocument();
  });

  it('says when the latest backup misses the run that is due, and when there is none', async () => {
    const overdue = {
      ...mainPostgresStatusFixture,
      name: 'keycloak-db',
      expectedAfter: '2026-12-01T01:00:00.000Z',
      latestAgeSeconds: 26 * 3600,
    };
    const empty = {
      ...mainPostgresStatusFixture,
      name: 'empty-db',
      backups: [],
      chains: [],
      count: 0,
      latest: undefined,
      latestAgeSeconds: undefined,
      unreadable: [],
      missedScheduledDays: [],
      wal: { listRequests: 1 },
      health: 'critical' as const,
      reasons: ['No base backup found', 'No archived WAL segment found'],
    };
    renderBackups(
      backupsApi({
        getPostgresBackups: jest.fn(async () => ({
          ...postgresBackupsResponseFixture,
          items: [overdue, empty],
        })),
      }),
    );
    expect(await screen.findByText('keycloak-db')).toBeInTheDocument();
    const [overdueLatest, emptyLatest] = screen.getAllByRole('group', {
      name: 'Latest base backup',
    });
    expect(overdueLatest).toHaveTextContent('1 d 2 h ago');
    expect(overdueLatest).toHaveTextContent(
      'the run due 2026-12-01 01:00 UTC is missing',
    );
    expect(emptyLatest).toHaveTextContent('None');
    const emptyWal = screen.getAllByRole('group', {
      name: 'WAL archiving lag',
    })[1];
    expect(emptyWal).toHaveTextContent('No WAL archived');
    expect(
      screen.getAllByRole('group', {
        name: 'Days without a scheduled backup',
      })[1],
    ).toHaveTextContent('None in the retained history');
    expect(
      screen.getByRole('alert', { name: 'Health of empty-db' }),
    ).toHaveTextContent('No base backup found');
  });
});
