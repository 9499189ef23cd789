import { ConfigReader } from '@backstage/config';
import { InMemoryBucket, walgLayout } from '@coder-platform/testing';
import type { Bucket } from '@google-cloud/storage';
import { createPostgresGuardAction, spiloWalgPrefix } from './postgresGuard';
import { mockContext } from './__testUtils__/context';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

jest.setTimeout(60_000);

describe('coder-platform:postgres:guard (in-memory bucket)', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  const buckets = new Map<string, InMemoryBucket>();
  const bucket = (name: string) => {
    if (!buckets.has(name)) buckets.set(name, new InMemoryBucket(name));
    return buckets.get(name)!;
  };
  const action = createPostgresGuardAction({
    config: new ConfigReader({}),
    gcsBucket: name => bucket(name) as unknown as Bucket,
  });
  const layout = walgLayout({
    prefix: 'spilo/dev/main-postgres-db/main/wal/14',
    now,
    days: 3,
    walSegments: 30,
  });

  beforeAll(() => {
    for (const o of layout.objects)
      bucket('backups').put(o.name, o.contents, '2026-11-18T01:30:00Z');
  });

  const base = {
    bucket: 'backups',
    scopePrefix: 'dev/',
    scope: 'main-postgres-db',
    pgVersion: 14,
  };
  const run = async (input: Record<string, unknown>) => {
    const ctx = mockContext(input);
    await action.handler(ctx);
    return Object.fromEntries(ctx.output.mock.calls);
  };

  it('derives the prefix as Spilo does', () => {
    expect(
      spiloWalgPrefix(
        {
          scopePrefix: 'dev/',
          scope: 'main-postgres-db',
          scopeSuffix: '/main',
        },
        14,
      ),
    ).toBe('spilo/dev/main-postgres-db/main/wal/14');
  });

  it('refuses a new database over existing backups', async () => {
    await expect(run(base)).rejects.toThrow(
      /refusing to create main-postgres-db over 3 existing wal-g backup\(s\) at gs:\/\/backups\/spilo\/dev\/main-postgres-db\/main\/wal\/14 .*Set clone.enabled: true/,
    );
  });

  it('refuses cloning from another prefix while the target has backups', async () => {
    await expect(
      run({ ...base, clone: { enabled: true, scopePrefix: 'old/' } }),
    ).rejects.toThrow(
      'cloning from another prefix would still overwrite these',
    );
  });

  it('allows cloning from the existing backups and outputs the CLONE_* env', async () => {
    const out = await run({
      ...base,
      clone: { enabled: true, targetTime: '2026-11-20T06:00:00+00:00' },
    });
    expect(out.clone).toBe(true);
    expect(out.backupsFound).toBe(3);
    expect(out.env).toEqual([
      { name: 'USE_WALG_RESTORE', value: 'true' },
      { name: 'CLONE_METHOD', value: 'CLONE_WITH_WALE' },
      {
        name: 'CLONE_GOOGLE_APPLICATION_CREDENTIALS',
        value: '/etc/google-credentials/google-cloud.json',
      },
      { name: 'CLONE_WAL_GS_BUCKET', value: 'backups' },
      { name: 'CLONE_USE_WALG_RESTORE', value: 'true' },
      { name: 'CLONE_WAL_BUCKET_SCOPE_PREFIX', value: 'dev/' },
      { name: 'CLONE_WAL_BUCKET_SCOPE_SUFFIX', value: '/main' },
      { name: 'CLONE_SCOPE', value: 'main-postgres-db' },
      { name: 'CLONE_TARGET_TIME', value: '2026-11-20T06:00:00+00:00' },
    ]);
  });

  it('allows a fresh prefix without clone env', async () => {
    const out = await run({
      ...base,
      scopePrefix: 'staging/',
      clone: { enabled: true },
    });
    expect(out).toMatchObject({ clone: false, backupsFound: 0, env: [] });
  });

  it.each([
    ['exists', ['postgres/main-postgres-db'], 'resolves'],
    ['has no CRD yet', undefined, 'rejects'],
    ['is absent', [], 'rejects'],
  ])(
    'checks the postgresql resource: when it %s (%j) the guard %s',
    async (_what, postgresqls, outcome) => {
      const kube = await startFakeKube({}, postgresqls);
      try {
        const guarded = createPostgresGuardAction({
          config: new ConfigReader(fakeKubeConfig(kube.url)),
          gcsBucket: name => bucket(name) as unknown as Bucket,
        });
        const ctx = mockContext({
          ...base,
          cluster: 'dev',
          postgresql: { name: 'main-postgres-db', namespace: 'postgres' },
        });
        const settled = await guarded.handler(ctx).then(
          () => 'resolves',
          (error: Error) => `rejects: ${error.message}`,
        );
        expect(settled).toMatch(
          outcome === 'resolves'
            ? /^resolves$/
            : /^rejects: .*refusing to create/,
        );
      } finally {
        await kube.stop();
      }
    },
  );

  it.each([
    [
      { clone: { enabled: true, targetTime: '2026-11-20 06:00' } },
      'must be ISO 8601 with an offset',
    ],
    [
      { clone: { enabled: true, targetTime: '2020-01-01T00:00:00Z' } },
      'is before the oldest base backup',
    ],
    [
      { postgresql: { name: 'main-postgres-db', namespace: 'postgres' } },
      'cluster is required with postgresql',
    ],
  ])('rejects %j naming the field', async (extra, message) => {
    await expect(run({ ...base, ...extra })).rejects.toThrow(message);
  });
});
