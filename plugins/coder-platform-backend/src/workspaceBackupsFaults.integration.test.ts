import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  GcsTlsProxy,
  ProxyFault,
  RecordingPrefixProxy,
  requirePeer,
  SeededClusterUpstreams,
  seedClusterUpstreams,
  startGcsTlsProxy,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { coderPlatformPlugin } from './plugin';

/**
 * `GET /clusters/:name/backups/workspaces` with the real restic reading
 * repositories on the real GCS emulator, the fault proxy between restic's
 * TLS proxy and the emulator. Storage hanging, cut, refusing or answering
 * 503: 503 naming restic and the repository when nothing is cached, the
 * last good value marked stale when it is, and every other route served
 * meanwhile. A wrong password is reported per workspace; a restic binary
 * that cannot run answers 503 naming `coderPlatform.restic.binary`. No
 * password in any answer or log line.
 */
jest.setTimeout(180_000);

const PASSWORD = 'restic-route-faults-pw';
/**
 * The restic budget per call (and per restic process): long enough for the
 * four restic runs of a good read on a loaded machine, short enough that a
 * hung storage is given up on within the test.
 */
const BUDGET_SECONDS = 15;
const WRONG = 'restic-route-wrong-pw';

const FAULTS: ProxyFault[] = [
  { kind: 'hang' },
  { kind: 'cut' },
  { kind: 'refuse' },
  { kind: 'status', status: 503, body: 'storage is restarting' },
];

describe('workspace backups route with the repository storage failing', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const transport = useNodeHttpTransportForStorage();
  const logged: string[] = [];
  let seeded: SeededClusterUpstreams;
  let faults: RecordingPrefixProxy;
  let tls: GcsTlsProxy;
  let cacheDir: string;
  let clusters: Record<string, any>[];
  const servers: Array<{ close(): void }> = [];

  beforeAll(async () => {
    const text = (a: unknown) => {
      if (a instanceof Error) return `${a.message} ${a.stack}`;
      return typeof a === 'string' ? a : JSON.stringify(a);
    };
    for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
      jest
        .spyOn(console, level)
        .mockImplementation((...args: unknown[]) =>
          logged.push(args.map(text).join(' ')),
        );
    }
    seeded = await seedClusterUpstreams({
      name: 'restic-faults',
      users: 2,
      walg: { now: new Date(), walSegments: 10 },
      resticPassword: PASSWORD,
      workspaces: [
        { name: 'coder-alice-dev', snapshots: 2, files: 2 },
        { name: 'coder-bob-main', snapshots: 1, files: 1 },
      ],
      releases: [],
      gcpProjectId: 'test',
    });
    // restic → TLS proxy → fault proxy (caller `restic`) → GCS emulator;
    // the bucket listing and the other views go to the emulator directly.
    faults = await RecordingPrefixProxy.start(PEERS_GCS_URL);
    tls = await startGcsTlsProxy({ gcsUrl: faults.urlFor('restic') });
    cacheDir = await mkdtemp(join(tmpdir(), 'restic-route-cache-'));
    const dev = JSON.parse(JSON.stringify(seeded.clusterConfig));
    dev.backups.restic.httpsProxy = tls.env.HTTPS_PROXY;
    dev.backups.restic.caCertFile = tls.caFile;
    const wrong = JSON.parse(JSON.stringify(dev));
    wrong.name = 'wrongpw';
    wrong.backups.restic.password = WRONG;
    // restic's HTTPS proxy itself is down: a port nothing listens on.
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    const offline = JSON.parse(JSON.stringify(dev));
    offline.name = 'offline';
    offline.backups.restic.httpsProxy = `http://127.0.0.1:${port}`;
    clusters = [dev, wrong, offline];
  }, 300_000);

  afterEach(() => faults.clearFaults());

  afterAll(async () => {
    servers.forEach(s => s.close());
    await tls?.stop();
    await faults?.stop();
    await seeded?.remove();
    await rm(cacheDir, { recursive: true, force: true });
    transport.restore();
    jest.restoreAllMocks();
  }, 120_000);

  async function backend(restic: Record<string, unknown> = {}) {
    const { server } = await startTestBackend({
      features: [
        coderPlatformPlugin,
        mockServices.rootLogger.factory({ level: 'debug' }),
        mockServices.rootConfig.factory({
          data: {
            coderPlatform: {
              refresh: { enabled: false },
              restic: { binary: seeded.resticBinary, cacheDir, ...restic },
              // Every request past the first revalidates behind its answer;
              // a failed upstream is asked again after 1 s.
              cache: {
                maxAgeSeconds: { workspaceBackups: 0 },
                backoffSeconds: 1,
                maxBackoffSeconds: 1,
              },
              upstreams: { restic: { timeoutSeconds: BUDGET_SECONDS } },
              clusters,
            },
          } as any,
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    servers.push(server);
    return server;
  }

  const get = (server: any, path: string, cluster = 'dev') =>
    request(server).get(`/api/coder-platform/clusters/${cluster}${path}`);

  const noPassword = (text: string) => {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(WRONG);
  };

  /** The routes of the other upstreams, all expected to answer 200. */
  const others = (server: any) =>
    Promise.all([
      request(server).get('/api/coder-platform/clusters'),
      get(server, '/backups/postgres'),
      get(server, '/coder'),
    ]);

  it('reads every workspace through the fault proxy when no fault is set', async () => {
    const server = await backend();
    const answer = await get(server, '/backups/workspaces');
    expect(answer.status).toBe(200);
    expect(
      answer.body.items.map((i: any) => [i.repository, i.snapshotCount]),
    ).toEqual([
      ['coder-alice-dev', 2],
      ['coder-bob-main', 1],
    ]);
    expect(answer.body.stale).toBe(false);
    expect(faults.requests.some(r => r.caller === 'restic')).toBe(true);
  });

  it.each(FAULTS.map(f => [f.kind, f] as const))(
    'nothing cached, storage %s: 503 naming restic and the repository; the other routes answer',
    async (_kind, fault) => {
      const server = await backend();
      faults.fault(/./, fault);
      const answer = await get(server, '/backups/workspaces');
      expect(answer.status).toBe(503);
      expect(answer.body.error.message).toMatch(
        new RegExp(
          `^restic of cluster dev is unavailable and nothing is cached: (restic snapshots of coder-(alice-dev|bob-main) (did not finish within ${BUDGET_SECONDS} s|could not reach)|restic: no answer within ${BUDGET_SECONDS} s)`,
        ),
      );
      noPassword(answer.text);
      expect(faults.faulted(fault.kind).length).toBeGreaterThan(0);
      expect((await others(server)).map(o => o.status)).toEqual([
        200, 200, 200,
      ]);
    },
  );

  it('while restic waits on a hung storage, every other route is served', async () => {
    const server = await backend();
    faults.fault(/./, 'hang');
    const hung = faults.next(r => r.fault === 'hang');
    const pending = get(server, '/backups/workspaces').then(r => r);
    await hung;
    // restic is blocked on the storage here.
    expect((await others(server)).map(o => o.status)).toEqual([200, 200, 200]);
    expect((await pending).status).toBe(503);
  });

  it.each(FAULTS.map(f => [f.kind, f] as const))(
    'cached before, storage %s: the last good value, stale, with the error naming restic; fresh again once the storage is back',
    async (_kind, fault) => {
      const server = await backend();
      const good = await get(server, '/backups/workspaces');
      expect(good.status).toBe(200);
      faults.fault(/./, fault);
      let last: request.Response | undefined;
      for (let i = 0; i < 80 && !last?.body.stale; i++) {
        last = await get(server, '/backups/workspaces');
        expect(last.status).toBe(200);
        if (!last.body.stale) await new Promise(r => setTimeout(r, 250));
      }
      expect(last!.body).toMatchObject({
        stale: true,
        fetchedAt: good.body.fetchedAt,
        error: { upstream: 'restic', message: expect.any(String) },
        items: good.body.items,
      });
      noPassword(last!.text);

      faults.clearFaults();
      for (let i = 0; i < 80 && last!.body.stale; i++) {
        await new Promise(r => setTimeout(r, 250));
        last = await get(server, '/backups/workspaces');
      }
      expect(last!.body.stale).toBe(false);
      expect(last!.body.error).toBeUndefined();
      expect(last!.body.items.map((i: any) => i.error)).toEqual([
        undefined,
        undefined,
      ]);
    },
  );

  it('the way to the storage refused (restic gives up by itself): 503 naming the repository, not every workspace marked broken', async () => {
    const server = await backend();
    const answer = await get(server, '/backups/workspaces', 'offline');
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(
      /^restic of cluster offline is unavailable and nothing is cached: restic snapshots of coder-alice-dev could not reach the repository gs:[^ ]+\/coder\/dev\/coder-alice-dev after its retries: Fatal: .*connection refused/,
    );
    noPassword(answer.text);
    expect((await get(server, '/backups/workspaces')).status).toBe(200);
  });

  it('a wrong password: 200 with the error on every workspace, the password in no answer or log', async () => {
    const server = await backend();
    const answer = await get(server, '/backups/workspaces', 'wrongpw');
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([
      expect.objectContaining({
        repository: 'coder-alice-dev',
        error: expect.stringMatching(/Fatal: wrong password/),
      }),
      expect.objectContaining({
        repository: 'coder-bob-main',
        error: expect.stringMatching(/Fatal: wrong password/),
      }),
    ]);
    noPassword(answer.text);
    // The right cluster is still read with its own password.
    expect((await get(server, '/backups/workspaces')).status).toBe(200);
    noPassword(logged.join('\n'));
  });

  it('a restic binary that cannot run: 503 naming coderPlatform.restic.binary; the other routes answer', async () => {
    const server = await backend({ binary: join(cacheDir, 'no-restic') });
    const answer = await get(server, '/backups/workspaces');
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(
      /^restic of cluster dev is unavailable and nothing is cached: the restic binary .*no-restic cannot be run \(ENOENT\): install restic or set coderPlatform\.restic\.binary/,
    );
    expect((await others(server)).map(o => o.status)).toEqual([200, 200, 200]);
    noPassword(logged.join('\n'));
  });
});
