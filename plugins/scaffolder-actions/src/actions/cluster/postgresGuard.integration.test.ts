import {
  requirePeer,
  useNodeHttpTransportForStorage,
  walgLayout,
  writeWalgLayout,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { ConfigReader } from '@backstage/config';
import { createPostgresGuardAction } from './postgresGuard';
import { mockContext } from './__testUtils__/context';
import { uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('coder-platform:postgres:guard against the GCS emulator', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'test',
  });
  const bucketName = uniqueName('guard');
  const transport = useNodeHttpTransportForStorage();
  const action = createPostgresGuardAction({
    config: new ConfigReader({
      coderPlatform: {
        clusterActions: {
          gcs: { apiEndpoint: PEERS_GCS_URL, projectId: 'test' },
        },
      },
    }),
  });
  const base = {
    bucket: bucketName,
    scopePrefix: 'dev/',
    scope: 'main-postgres-db',
    pgVersion: 14,
  };

  // How many backups the layout holds depends on the time of day (today's
  // 01:00 backup exists only after 01:10 UTC), so assertions use its count.
  const layout = walgLayout({
    prefix: 'spilo/dev/main-postgres-db/main/wal/14',
    days: 3,
    walSegments: 60,
  });

  beforeAll(async () => {
    await storage.createBucket(bucketName);
    await writeWalgLayout(storage.bucket(bucketName), layout);
  });
  afterAll(async () => {
    await storage.bucket(bucketName).deleteFiles({ force: true });
    await storage.bucket(bucketName).delete();
    transport.restore();
  });

  const run = async (input: Record<string, unknown>) => {
    const ctx = mockContext(input);
    await action.handler(ctx);
    return Object.fromEntries(ctx.output.mock.calls);
  };

  it('refuses a new database over the seeded wal-g backups', async () => {
    await expect(run(base)).rejects.toThrow(
      `refusing to create main-postgres-db over ${layout.backups.length} existing wal-g backup(s) at gs://${bucketName}/spilo/dev/main-postgres-db/main/wal/14`,
    );
  });

  it('allows cloning from them and outputs the CLONE_* env with a point in time', async () => {
    const targetTime = new Date(Date.now() + 60_000)
      .toISOString()
      .replace(/\.\d+Z$/, '+00:00');
    const out = await run({ ...base, clone: { enabled: true, targetTime } });
    expect(out).toMatchObject({
      clone: true,
      backupsFound: layout.backups.length,
    });
    expect(out.env).toContainEqual({
      name: 'CLONE_WAL_GS_BUCKET',
      value: bucketName,
    });
    expect(out.env).toContainEqual({
      name: 'CLONE_TARGET_TIME',
      value: targetTime,
    });
  });

  it('allows a prefix without backups and starts empty even when clone is asked', async () => {
    const out = await run({
      ...base,
      scopePrefix: 'staging/',
      clone: { enabled: true },
    });
    expect(out).toMatchObject({ clone: false, backupsFound: 0, env: [] });
  });

  it('clones another cluster’s backups into a fresh prefix', async () => {
    const out = await run({
      ...base,
      scopePrefix: 'staging/',
      clone: { enabled: true, scopePrefix: 'dev/' },
    });
    expect(out.clone).toBe(true);
    expect(out.env).toContainEqual({
      name: 'CLONE_WAL_BUCKET_SCOPE_PREFIX',
      value: 'dev/',
    });
  });
});
