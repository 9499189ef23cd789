import { mockServices } from '@backstage/backend-test-utils';
import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  requirePeer,
  useNodeHttpTransportForStorage,
  walgLayout,
  WalgLayout,
  writeWalgLayout,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { readClusters } from '../config/readClusters';
import { CoderPlatformService } from '../service/CoderPlatformService';
import { startFaultProxy } from '../service/__testUtils__/faultProxy';
import { readSettings } from '../service/settings';

function memoryCache(): CacheService {
  const store = new Map<string, unknown>();
  const cache: CacheService = {
    get: async key => store.get(key) as any,
    set: async (key, value) => void store.set(key, value),
    delete: async key => void store.delete(key),
    withOptions: () => cache,
  };
  return cache;
}

const settle = () => new Promise(resolve => setTimeout(resolve, 50));

/**
 * The Postgres backups view on the real GCS emulator, with a proxy in front
 * of it that counts GCS requests and can be made to hang or answer 503.
 */
describe('Postgres backups view on the GCS emulator: cost, unreadable backups, faults', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const transport = useNodeHttpTransportForStorage();
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'test',
  });
  const bucketName = `pgviews-${Date.now().toString(36)}`;
  const prefix = 'spilo/dev/main-postgres-db/main/wal/14';
  const start = new Date();
  let layout: WalgLayout;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;

  beforeAll(async () => {
    layout = walgLayout({ prefix, now: start, days: 8, walSegments: 400 });
    await storage.createBucket(bucketName);
    await writeWalgLayout(storage.bucket(bucketName), layout);
    proxy = await startFaultProxy(PEERS_GCS_URL);
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await storage.bucket(bucketName).deleteFiles({ force: true });
    await storage.bucket(bucketName).delete();
    transport.restore();
  }, 120_000);

  beforeEach(() => {
    proxy.set('pass');
    proxy.reset();
  });

  function service(gcs: { timeoutSeconds?: number } = {}) {
    let now = Date.now();
    const config = new ConfigReader({
      coderPlatform: {
        upstreams: { gcs },
        clusters: [
          {
            name: 'dev',
            backups: {
              bucket: bucketName,
              endpoint: proxy.url,
              postgres: [
                { name: 'main', prefix, schedule: '0 1 * * *', retain: 14 },
              ],
            },
            gcp: { projectId: 'test' },
          },
        ],
      },
    });
    const svc = new CoderPlatformService({
      clusters: readClusters(config),
      settings: readSettings(config),
      cache: memoryCache(),
      logger: mockServices.logger.mock(),
      now: () => new Date(now),
    });
    return {
      svc,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  const sentinel = (name: string) =>
    `${prefix}/basebackups_005/${name}_backup_stop_sentinel.json`;

  it('reads each sentinel and metadata.json once: a steady refresh costs one listing and one WAL page, a new backup two reads more', async () => {
    const { svc } = service();
    const cold = await svc.postgresBackups('dev');
    const backups = layout.backups.length;
    expect(cold.items[0].count).toBe(backups);
    // 1 sentinel listing + a sentinel and a metadata.json per backup (the
    // newest is a v2 sentinel) + 1 WAL page.
    expect(proxy.counts()).toEqual({ list: 2, read: 2 * backups - 1 });

    proxy.reset();
    await svc.postgresBackups('dev', { refresh: true });
    expect(proxy.counts()).toEqual({ list: 2, read: 0 });

    // A new (v1) backup: its sentinel and metadata.json are the only reads.
    const newest = layout.backups[layout.backups.length - 2];
    const source = layout.objects.find(o => o.name === sentinel(newest.name))!;
    const added = 'base_0000000900000000000000FF';
    await storage
      .bucket(bucketName)
      .file(sentinel(added))
      .save(source.contents, { resumable: false });
    const meta = layout.objects.find(
      o => o.name === `${prefix}/basebackups_005/${newest.name}/metadata.json`,
    )!;
    await storage
      .bucket(bucketName)
      .file(`${prefix}/basebackups_005/${added}/metadata.json`)
      .save(meta.contents, { resumable: false });
    proxy.reset();
    const after = await svc.postgresBackups('dev', { refresh: true });
    expect(after.items[0].count).toBe(backups + 1);
    expect(proxy.counts()).toEqual({ list: 2, read: 2 });
    await storage.bucket(bucketName).file(sentinel(added)).delete();
    await storage
      .bucket(bucketName)
      .file(`${prefix}/basebackups_005/${added}/metadata.json`)
      .delete();
  });

  it('marks a sentinel whose LSN is not a number as unreadable and keeps the rest of the view, without reading it again', async () => {
    const broken = 'base_000000010000000000000002';
    await storage
      .bucket(bucketName)
      .file(sentinel(broken))
      .save('{"LSN":"zero","Timeline":1,"StartTime":"2026-11-01T01:00:00Z"}', {
        resumable: false,
      });
    try {
      const { svc } = service();
      const view = await svc.postgresBackups('dev');
      const [status] = view.items;
      expect(view.stale).toBe(false);
      expect(status.count).toBe(layout.backups.length);
      expect(status.unreadable).toEqual([
        {
          name: broken,
          reason: 'sentinel: LSN "zero" is not a number',
          generation: expect.any(String),
        },
      ]);
      expect(status.reasons).toContain(
        `1 backup could not be read (${broken}): left out of ages and chains`,
      );
      expect(status.latest?.name).toBe(
        layout.backups[layout.backups.length - 1].name,
      );
      proxy.reset();
      await svc.postgresBackups('dev', { refresh: true });
      expect(proxy.counts().read).toBe(0);
    } finally {
      await storage.bucket(bucketName).file(sentinel(broken)).delete();
    }
  });

  it('while GCS answers 503: serves the last view at once, marks it stale naming GCS, and does not ask GCS on every request', async () => {
    const { svc, advance } = service();
    const good = await svc.postgresBackups('dev');
    advance(10 * 60_000);
    proxy.set({
      status: 503,
      body: '{"error":{"code":503,"message":"Backend Error"}}',
    });
    proxy.reset();
    const first = await svc.postgresBackups('dev');
    expect(first.fetchedAt).toBe(good.fetchedAt);
    await settle();
    // The background refresh tried once and failed.
    const tried = proxy.requests.length;
    expect(tried).toBe(1);
    for (let i = 0; i < 5; i++) {
      const answer = await svc.postgresBackups('dev');
      expect(answer).toMatchObject({
        stale: true,
        fetchedAt: good.fetchedAt,
        error: {
          upstream: 'gcs',
          message: expect.stringMatching(/HTTP 503.*Backend Error/),
        },
      });
      expect(answer.items[0].count).toBe(layout.backups.length);
    }
    await settle();
    expect(proxy.requests.length).toBe(tried);
  });

  it('when GCS hangs and nothing is cached: 503 naming GCS after the budget, and the request is closed at GCS', async () => {
    const { svc } = service({ timeoutSeconds: 0.5 });
    proxy.set('hang');
    await expect(svc.postgresBackups('dev')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^gcs of cluster dev is unavailable and nothing is cached: gcs: no answer within/,
      ),
    });
    while (proxy.open() > 0) await settle();
    expect(proxy.requests.length).toBe(1);
    expect(proxy.closedByClient()).toBeGreaterThanOrEqual(1);
  });
});
