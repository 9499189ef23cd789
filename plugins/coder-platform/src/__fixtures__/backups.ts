import type {
  PostgresBackup,
  PostgresBackupsResponse,
  PostgresBackupStatus,
  WorkspaceBackupsResponse,
} from '@coder-platform/plugin-coder-platform-common';

/** When the backend evaluated the fixtures: 09:00 UTC, eight hours after the 01:00 run. */
export const backupsEvaluatedAt = '2026-11-30T09:00:00.000Z';

const GiB = 1024 ** 3;
const common = {
  timeline: 1,
  pgVersion: 140010,
  systemIdentifier: '7301428693572318251',
  hostname: 'main-postgres-db-0',
};

function full(
  name: string,
  startSegment: string,
  startLsn: string,
  finishLsn: string,
  startTime: string,
  finishTime: string,
  uncompressedGiB: number,
  compressedGiB: number,
  extra: Partial<PostgresBackup> = {},
): PostgresBackup {
  return {
    ...common,
    name,
    kind: 'full',
    startSegment,
    startLsn,
    finishLsn,
    startTime,
    finishTime,
    sentinelTime: finishTime,
    uncompressedSize: Math.round(uncompressedGiB * GiB),
    compressedSize: Math.round(compressedGiB * GiB),
    isPermanent: false,
    ...extra,
  };
}

function delta(
  name: string,
  startSegment: string,
  startLsn: string,
  finishLsn: string,
  startTime: string,
  finishTime: string,
  uncompressedGiB: number,
  compressedGiB: number,
  deltaFrom: string,
  deltaFullName: string,
  deltaCount: number,
): PostgresBackup {
  return {
    ...full(
      name,
      startSegment,
      startLsn,
      finishLsn,
      startTime,
      finishTime,
      uncompressedGiB,
      compressedGiB,
    ),
    kind: 'delta',
    deltaFrom,
    deltaFullName,
    deltaCount,
  };
}

/**
 * 14 daily base backups (schedule `0 1 * * *`) of `main-postgres-db`, oldest
 * first: a weekly full with deltas on top. The first full is permanent
 * (kept before an upgrade); no backup started on 21 and 25 November, and the
 * delta of the 26th was taken from the one of the 25th, which is gone.
 */
export const postgresBackupsFixture: PostgresBackup[] = [
  full(
    'base_0000000100000001000000A0',
    '0000000100000001000000A0',
    '1/A0000028',
    '1/A2001F40',
    '2026-11-15T01:00:04Z',
    '2026-11-15T01:16:37Z',
    9.4,
    2.05,
    { isPermanent: true },
  ),
  delta(
    'base_0000000100000001000000D0_D_0000000100000001000000A0',
    '0000000100000001000000D0',
    '1/D0000028',
    '1/D10011B8',
    '2026-11-16T01:00:03Z',
    '2026-11-16T01:03:12Z',
    9.45,
    0.171,
    'base_0000000100000001000000A0',
    'base_0000000100000001000000A0',
    1,
  ),
  delta(
    'base_000000010000000200000000_D_0000000100000001000000D0',
    '000000010000000200000000',
    '2/28',
    '2/10011B8',
    '2026-11-17T01:00:03Z',
    '2026-11-17T01:04:12Z',
    9.5,
    0.202,
    'base_0000000100000001000000D0_D_0000000100000001000000A0',
    'base_0000000100000001000000A0',
    2,
  ),
  delta(
    'base_000000010000000200000030_D_000000010000000200000000',
    '000000010000000200000030',
    '2/30000028',
    '2/310011B8',
    '2026-11-18T01:00:03Z',
    '2026-11-18T01:05:12Z',
    9.55,
    0.233,
    'base_000000010000000200000000_D_0000000100000001000000D0',
    'base_0000000100000001000000A0',
    3,
  ),
  delta(
    'base_000000010000000200000060_D_000000010000000200000030',
    '000000010000000200000060',
    '2/60000028',
    '2/610011B8',
    '2026-11-19T01:00:03Z',
    '2026-11-19T01:06:12Z',
    9.6,
    0.264,
    'base_000000010000000200000030_D_000000010000000200000000',
    'base_0000000100000001000000A0',
    4,
  ),
  full(
    'base_000000010000000200000090',
    '000000010000000200000090',
    '2/90000028',
    '2/92001F40',
    '2026-11-20T01:00:04Z',
    '2026-11-20T01:18:37Z',
    9.65,
    2.11,
  ),
  delta(
    'base_0000000100000002000000F0_D_000000010000000200000090',
    '0000000100000002000000F0',
    '2/F0000028',
    '2/F10011B8',
    '2026-11-22T01:00:03Z',
    '2026-11-22T01:05:12Z',
    9.75,
    0.202,
    'base_000000010000000200000090',
    'base_000000010000000200000090',
    1,
  ),
  delta(
    'base_000000010000000300000020_D_0000000100000002000000F0',
    '000000010000000300000020',
    '3/20000028',
    '3/210011B8',
    '2026-11-23T01:00:03Z',
    '2026-11-23T01:06:12Z',
    9.8,
    0.233,
    'base_0000000100000002000000F0_D_000000010000000200000090',
    'base_000000010000000200000090',
    2,
  ),
  delta(
    'base_000000010000000300000050_D_000000010000000300000020',
    '000000010000000300000050',
    '3/50000028',
    '3/510011B8',
    '2026-11-24T01:00:03Z',
    '2026-11-24T01:03:12Z',
    9.85,
    0.264,
    'base_000000010000000300000020_D_0000000100000002000000F0',
    'base_000000010000000200000090',
    3,
  ),
  delta(
    'base_0000000100000003000000B0_D_000000010000000300000080',
    '0000000100000003000000B0',
    '3/B0000028',
    '3/B10011B8',
    '2026-11-26T01:00:03Z',
    '2026-11-26T01:05:12Z',
    9.95,
    0.171,
    'base_000000010000000300000080_D_000000010000000300000050',
    'base_000000010000000200000090',
    4,
  ),
  full(
    'base_0000000100000003000000E0',
    '0000000100000003000000E0',
    '3/E0000028',
    '3/E2001F40',
    '2026-11-27T01:00:04Z',
    '2026-11-27T01:16:37Z',
    10.0,
    2.194,
  ),
  delta(
    'base_000000010000000400000010_D_0000000100000003000000E0',
    '000000010000000400000010',
    '4/10000028',
    '4/110011B8',
    '2026-11-28T01:00:03Z',
    '2026-11-28T01:03:12Z',
    10.05,
    0.233,
    'base_0000000100000003000000E0',
    'base_0000000100000003000000E0',
    1,
  ),
  delta(
    'base_000000010000000400000040_D_000000010000000400000010',
    '000000010000000400000040',
    '4/40000028',
    '4/410011B8',
    '2026-11-29T01:00:03Z',
    '2026-11-29T01:04:12Z',
    10.1,
    0.264,
    'base_000000010000000400000010_D_0000000100000003000000E0',
    'base_0000000100000003000000E0',
    2,
  ),
  delta(
    'base_000000010000000400000070_D_000000010000000400000040',
    '000000010000000400000070',
    '4/70000028',
    '4/710011B8',
    '2026-11-30T01:00:03Z',
    '2026-11-30T01:05:12Z',
    10.15,
    0.14,
    'base_000000010000000400000040_D_000000010000000400000010',
    'base_0000000100000003000000E0',
    3,
  ),
];

const [f1, , , , , f2, , , , broken, f3] = postgresBackupsFixture;
const latest = postgresBackupsFixture[postgresBackupsFixture.length - 1];

/** `main-postgres-db` as the backend evaluates it. */
export const mainPostgresStatusFixture: PostgresBackupStatus = {
  name: 'main-postgres-db',
  location:
    'gs://coder-storage-spaces-example-com/spilo/dev-eu1/main-postgres-db/main/wal/14',
  schedule: '0 1 * * *',
  retain: 14,
  backups: postgresBackupsFixture,
  chains: [
    {
      full: f1.name,
      deltas: postgresBackupsFixture.slice(1, 5).map(b => b.name),
    },
    {
      full: f2.name,
      deltas: postgresBackupsFixture.slice(6, 10).map(b => b.name),
      broken: [{ backup: broken.name, missingParent: broken.deltaFrom! }],
    },
    {
      full: f3.name,
      deltas: postgresBackupsFixture.slice(11).map(b => b.name),
    },
  ],
  count: postgresBackupsFixture.length,
  latest,
  // 01:05:12 to 09:00:00
  latestAgeSeconds: 28488,
  expectedAfter: '2026-11-30T01:00:00.000Z',
  nextScheduled: '2026-12-01T01:00:00.000Z',
  wal: {
    newestFile: '00000001000000040000009C.lz4',
    newestSegment: '00000001000000040000009C',
    timeline: 1,
    newestUploadedAt: '2026-11-30T07:30:00.000Z',
    lagSeconds: 5400,
    highestTimeline: 1,
    listRequests: 3,
  },
  health: 'critical',
  reasons: [
    `Delta backup ${broken.name} cannot be restored: ${broken.deltaFrom} is missing`,
    'No WAL archived for 90 min',
  ],
  missedScheduledDays: ['2026-11-21', '2026-11-25'],
  unreadable: [
    {
      name: 'base_000000010000000100000070',
      reason:
        'metadata.json of base_000000010000000100000070: Unexpected end of JSON input',
    },
  ],
  evaluatedAt: backupsEvaluatedAt,
};

/** `GET /clusters/dev-eu1/backups/postgres`. */
export const postgresBackupsResponseFixture: PostgresBackupsResponse = {
  cluster: 'dev-eu1',
  items: [mainPostgresStatusFixture],
  health: 'critical',
  fetchedAt: backupsEvaluatedAt,
  stale: false,
};

/** `GET /clusters/dev-eu1/backups/workspaces`: five restic repositories, one unreadable. */
export const workspaceBackupsResponseFixture: WorkspaceBackupsResponse = {
  cluster: 'dev-eu1',
  location: 'gs:coder-storage-spaces-example-com:/coder/dev-eu1/<repository>',
  fetchedAt: backupsEvaluatedAt,
  stale: false,
  items: [
    {
      repository: 'coder-alice-dev',
      snapshotCount: 38,
      latestSnapshot: {
        id: '4f1c2a9e',
        time: '2026-11-30T08:15:02.000Z',
        hostname: 'coder-alice-dev',
        paths: ['/home/coder'],
        restoreSize: 1_932_735_283,
        fileCount: 48_211,
      },
      ageSeconds: 2698,
    },
    {
      repository: 'coder-bob-devbox',
      snapshotCount: 24,
      latestSnapshot: {
        id: 'b73e0d51',
        time: '2026-11-29T17:15:04.000Z',
        hostname: 'coder-bob-devbox',
        paths: ['/home/coder'],
        restoreSize: 734_003_200,
        fileCount: 12_904,
      },
      ageSeconds: 56696,
    },
    {
      repository: 'coder-carol-ml',
      snapshotCount: 12,
      latestSnapshot: {
        id: '0c9d8e7f',
        time: '2026-11-21T11:15:01.000Z',
        hostname: 'coder-carol-ml',
        paths: ['/home/coder'],
        restoreSize: 16_106_127_360,
        fileCount: 203_377,
      },
      ageSeconds: 769499,
    },
    {
      repository: 'coder-dave-dev',
      snapshotCount: 0,
    },
    {
      repository: 'coder-erin-dev',
      snapshotCount: 0,
      error:
        'Fatal: wrong password or no key found for repository gs:coder-storage-spaces-example-com:/coder/dev-eu1/coder-erin-dev',
    },
  ],
};
