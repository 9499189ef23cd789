import { randomBytes } from 'node:crypto';
import { CoderContractServer } from '../coder/CoderContractServer';
import { RecordingPrefixProxy } from './RecordingPrefixProxy';
import { Replica, startReplica } from './replicaCluster';

/**
 * Two backend processes on one PostgreSQL database and one Redis cache store,
 * as production runs N replicas: the scheduled refresh runs once per interval
 * across both, both serve the same cached data, and a replica killed in the
 * middle of a refresh leaves no lock that blocks the next run.
 */
jest.setTimeout(240_000);

// Refresh every 3 s, with a 12 s task timeout: after a kill, the dead
// replica's claim on the task expires with the timeout.
const FREQUENCY_MINUTES = 0.05;
const TIMEOUT_MINUTES = 0.2;
const BUILDINFO = /^\/api\/v2\/buildinfo$/;

describe('two backend replicas', () => {
  let coder: CoderContractServer;
  let proxy: RecordingPrefixProxy;
  const replicas: Replica[] = [];
  const run = randomBytes(4).toString('hex');

  const clusterFor = (caller: string, token: string) => ({
    refresh: {
      frequencyMinutes: FREQUENCY_MINUTES,
      timeoutMinutes: TIMEOUT_MINUTES,
    },
    clusters: [
      {
        name: 'dev',
        title: 'Replica test cluster',
        coder: { url: proxy.urlFor(caller), token },
      },
    ],
  });

  let token: string;
  const start = (name: string) =>
    startReplica({
      name,
      databasePrefix: `replicas_${run}_`,
      cacheNamespace: `replicas-${run}`,
      coderPlatform: clusterFor(name, token),
      // Started together on a fresh database, as a Deployment does: the one
      // that loses Backstage's migration race exits and is started again.
      startupRestarts: 1,
    });

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: randomBytes(12).toString('hex'),
    });
    proxy = await RecordingPrefixProxy.start(coder.url);
    replicas.push(...(await Promise.all([start('a'), start('b')])));
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.kill()));
    await proxy?.stop();
    await coder?.stop();
  });

  it('both replicas come up together on a fresh database, at most one of them after a restart', () => {
    expect(replicas.map(r => r.name).sort()).toEqual(['a', 'b']);
    expect(replicas.filter(r => r.restarts > 0).length).toBeLessThanOrEqual(1);
  });

  const refreshes = () => proxy.requests.filter(r => BUILDINFO.test(r.path));

  it('runs each scheduled refresh once per interval across both replicas', async () => {
    // The first run starts 15 s after start-up; then observe ten intervals.
    await proxy.next(r => BUILDINFO.test(r.path));
    const before = refreshes().length;
    const windowMs = 10 * FREQUENCY_MINUTES * 60_000;
    await new Promise(r => setTimeout(r, windowMs));
    const runs = refreshes().length - before;
    // One run per interval (plus one that may straddle the window's edge);
    // two uncoordinated schedulers would make about twenty.
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(runs).toBeLessThanOrEqual(11);
  });

  it('serves the same cached data from both replicas', async () => {
    const [a, b] = await Promise.all(
      replicas.map(r => r.get('/api/coder-platform/clusters/dev/coder')),
    );
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.buildInfo.version).toBe(b.body.buildInfo.version);
    // Both read one entry of the shared cache store, not each its own copy.
    const latestRun = Math.max(...refreshes().map(r => r.at));
    expect(Date.parse(a.body.fetchedAt)).toBeLessThanOrEqual(latestRun + 1000);
    expect(
      Math.abs(Date.parse(a.body.fetchedAt) - Date.parse(b.body.fetchedAt)),
    ).toBeLessThan(FREQUENCY_MINUTES * 60_000);
  });

  it('a replica killed mid-refresh leaves no lock that blocks the next run', async () => {
    proxy.hold(BUILDINFO);
    const inFlight = await proxy.next(r => BUILDINFO.test(r.path));
    const victim = replicas.find(r => r.name === inFlight.caller)!;
    const survivor = replicas.find(r => r.name !== inFlight.caller)!;
    await victim.kill();
    proxy.release();
    // The survivor runs the refresh once the victim's claim times out.
    const next = await proxy.next(
      r => BUILDINFO.test(r.path) && r.caller === survivor.name,
    );
    expect(next.caller).toBe(survivor.name);
    const answer = await survivor.get('/api/coder-platform/clusters/dev/coder');
    expect(answer.status).toBe(200);
    expect(answer.body.stale).toBe(false);
  });
});
