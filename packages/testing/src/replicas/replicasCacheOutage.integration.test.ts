import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AddressInfo, createConnection, createServer } from 'node:net';
import { CoderContractServer } from '../coder/CoderContractServer';
import { RecordingPrefixProxy } from './RecordingPrefixProxy';
import { Replica, startReplica } from './replicaCluster';

/**
 * A backend replica whose cache store (its own Debian redis-server, not the
 * shared Redis peer) is killed and started again: the views keep answering,
 * a down upstream is still backed off (by the replica alone), the outage is
 * logged once. Backstage 1.55's Redis client does not reconnect after Redis
 * restarts (backstage/backstage#31742): a replica started after Redis is
 * back caches again.
 */
jest.setTimeout(240_000);

const WORKSPACES = /^\/api\/v2\/workspaces/;
const VIEW = '/api/coder-platform/clusters/dev/workspaces';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts redis-server on `port` (no persistence) and waits until it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if (redis.exitCode !== null) {
      throw new Error(`redis-server exited with ${redis.exitCode}`);
    }
    const up = await new Promise<boolean>(done => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (up) return redis;
    await new Promise(r => setTimeout(r, 100));
  }
  redis.kill('SIGKILL');
  throw new Error(`redis-server did not listen on port ${port}`);
}

const stop = (child: ChildProcess | undefined) =>
  new Promise<void>(done => {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      done();
      return;
    }
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

describe('a backend replica whose cache store goes down', () => {
  let coder: CoderContractServer;
  let proxy: RecordingPrefixProxy;
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let replica: Replica;
  let token: string;
  const run = randomBytes(4).toString('hex');
  const start = () =>
    startReplica({
      name: 'a',
      databasePrefix: `replicas_outage_${run}_`,
      cacheNamespace: `replicas-outage-${run}`,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      coderPlatform: {
        refresh: { enabled: false },
        cache: { backoffSeconds: 600, maxBackoffSeconds: 1200 },
        clusters: [
          {
            name: 'dev',
            title: 'Cache outage test cluster',
            coder: { url: proxy.urlFor('a'), token },
          },
        ],
      },
    });
  const workspaceRequests = () =>
    proxy.requests.filter(r => WORKSPACES.test(r.path)).length;
  const logLines = (pattern: RegExp) =>
    readFileSync(replica.logFile, 'utf8')
      .split('\n')
      .filter(line => pattern.test(line));

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: randomBytes(12).toString('hex'),
    });
    proxy = await RecordingPrefixProxy.start(coder.url);
    replica = await start();
  });

  afterAll(async () => {
    await replica?.kill();
    await stop(redis);
    await proxy?.stop();
    await coder?.stop();
  });

  it('serves from the cache store while it runs', async () => {
    expect((await replica.get(VIEW)).status).toBe(200);
    expect((await replica.get(VIEW)).status).toBe(200);
    expect(workspaceRequests()).toBe(1);
  });

  it('keeps answering without it, backs a down upstream off on its own, and says so once', async () => {
    await stop(redis);
    redis = undefined;
    // The value cannot be read: the view reads the upstream instead.
    const without = await replica.get(VIEW);
    expect(without.status).toBe(200);
    expect(without.body.stale).toBe(false);
    expect(workspaceRequests()).toBe(2);

    proxy.fault(WORKSPACES, 503);
    const failed = await replica.get(VIEW);
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(
      /^coder of cluster dev is unavailable and nothing is cached: .*503/,
    );
    const oneAttempt = workspaceRequests();
    for (let i = 0; i < 5; i++) {
      const answer = await replica.get(VIEW);
      expect(answer.status).toBe(503);
      expect(answer.body.error.message).toMatch(/next attempt after/);
    }
    expect(workspaceRequests()).toBe(oneAttempt);
    expect(logLines(/cache store failed \(/)).toHaveLength(1);
    expect(replica.process.exitCode).toBeNull();
  });

  it("after Redis is back, a restarted replica caches again (Backstage's Redis client does not reconnect: backstage/backstage#31742)", async () => {
    redis = await startRedis(redisPort);
    proxy.clearFaults();
    // The running replica still answers, without the store (its own
    // back-off of the upstream holds for the window).
    expect([200, 503]).toContain((await replica.get(VIEW)).status);
    await replica.kill();
    replica = await start();
    const before = workspaceRequests();
    for (let i = 0; i < 3; i++) {
      const answer = await replica.get(VIEW);
      expect(answer.status).toBe(200);
      expect(answer.body.stale).toBe(false);
    }
    // One upstream read, then the cached value: the store answers again.
    expect(workspaceRequests()).toBe(before + 1);
    expect(logLines(/cache store failed \(/)).toHaveLength(0);
  });
});
