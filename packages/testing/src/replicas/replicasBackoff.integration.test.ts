import { randomBytes } from 'node:crypto';
import { CoderContractServer } from '../coder/CoderContractServer';
import { RecordingPrefixProxy } from './RecordingPrefixProxy';
import { Replica, startReplica } from './replicaCluster';

/**
 * The back-off of a down upstream is shared by every replica through the
 * cache store (Redis): two backend processes make the attempts of one
 * during a back-off window, name the same next attempt, mark the same
 * answers stale, and a restarted replica still knows the upstream is down.
 *
 * The window is 10 minutes (`cache.backoffSeconds: 600`) and the scheduled
 * refresh is off, so within the test every upstream request is caused by a
 * request to a replica: the counts below do not depend on timing.
 */
jest.setTimeout(240_000);

const WORKSPACES = /^\/api\/v2\/workspaces/;
const VIEW = '/api/coder-platform/clusters/dev/workspaces';
const SEARCH = `${VIEW}?q=${encodeURIComponent('owner:alice')}`;
const NEXT_ATTEMPT = /next attempt after (\d{4}-\d\d-\d\dT[\d:.]+Z)/;

describe('two backend replicas back off a down upstream together', () => {
  let coder: CoderContractServer;
  let proxy: RecordingPrefixProxy;
  let token: string;
  const replicas = new Map<string, Replica>();
  const run = randomBytes(4).toString('hex');

  const start = (name: string) =>
    startReplica({
      name,
      databasePrefix: `replicas_backoff_${run}_`,
      cacheNamespace: `replicas-backoff-${run}`,
      coderPlatform: {
        refresh: { enabled: false },
        cache: {
          // Every request revalidates unless the upstream is backed off.
          maxAgeSeconds: { workspaces: 0 },
          backoffSeconds: 600,
          maxBackoffSeconds: 1200,
        },
        clusters: [
          {
            name: 'dev',
            title: 'Replica back-off test cluster',
            coder: { url: proxy.urlFor(name), token },
          },
        ],
      },
      startupRestarts: 1,
    });

  const replica = (name: string) => replicas.get(name)!;
  const workspaceRequests = () =>
    proxy.requests.filter(r => WORKSPACES.test(r.path));
  const byCaller = () => {
    const counts: Record<string, number> = {};
    for (const r of workspaceRequests()) {
      counts[r.caller] = (counts[r.caller] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: randomBytes(12).toString('hex'),
    });
    proxy = await RecordingPrefixProxy.start(coder.url);
    const started = await Promise.all([start('a'), start('b')]);
    for (const r of started) replicas.set(r.name, r);
  });

  afterAll(async () => {
    await Promise.all([...replicas.values()].map(r => r.kill()));
    await proxy?.stop();
    await coder?.stop();
  });

  let good: { fetchedAt: string; count: number };
  let oneAttempt: number;
  let staleError: { upstream: string; message: string };

  it('makes one attempt at the down upstream across both replicas during the window', async () => {
    const first = await replica('a').get(VIEW);
    expect(first.status).toBe(200);
    expect(first.body.stale).toBe(false);
    good = first.body;
    expect(byCaller()).toEqual({ a: 1 });

    proxy.fault(WORKSPACES, 503);
    const before = workspaceRequests().length;
    // b answers from the cache and revalidates behind the answer; its polls
    // share that one attempt until it has failed and marks the answer stale.
    let answer = await replica('b').get(VIEW);
    for (let i = 0; i < 120 && !answer.body.stale; i++) {
      await new Promise(r => setTimeout(r, 250));
      answer = await replica('b').get(VIEW);
    }
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      stale: true,
      fetchedAt: good.fetchedAt,
      count: good.count,
      error: { upstream: 'coder', message: expect.stringMatching(/503/) },
    });
    staleError = answer.body.error;
    oneAttempt = workspaceRequests().length - before;
    expect(oneAttempt).toBeGreaterThan(0);
    expect(proxy.faulted('status')).toHaveLength(oneAttempt);

    // Twenty more requests, alternating: with a back-off per replica, a
    // would make an attempt of its own (twice the upstream requests).
    for (let i = 0; i < 20; i++) {
      const r = await replica(i % 2 ? 'b' : 'a').get(VIEW);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        stale: true,
        fetchedAt: good.fetchedAt,
        error: staleError,
      });
    }
    expect(workspaceRequests().length - before).toBe(oneAttempt);
    expect(byCaller()).toEqual({ a: 1, b: oneAttempt });
  });

  it('names the same next attempt on both replicas, without asking the upstream', async () => {
    const before = proxy.requests.length;
    const answers = [];
    for (const name of ['a', 'b', 'a', 'b']) {
      answers.push(await replica(name).get(SEARCH));
    }
    const nextAttempts = answers.map(r => {
      expect(r.status).toBe(503);
      expect(r.body.error.message).toMatch(
        /^coder of cluster dev is unavailable and nothing is cached \(not asked again for \d+ s, next attempt after /,
      );
      expect(r.body.error.message).toContain(staleError.message);
      return NEXT_ATTEMPT.exec(r.body.error.message)?.[1];
    });
    expect(nextAttempts[0]).toBeDefined();
    expect(new Set(nextAttempts)).toEqual(new Set([nextAttempts[0]]));
    expect(proxy.requests.length).toBe(before);
  });

  it('a restarted replica still backs off: same stale answer, same next attempt, no upstream request', async () => {
    const before = proxy.requests.length;
    const reference = NEXT_ATTEMPT.exec(
      (await replica('b').get(SEARCH)).body.error.message,
    )?.[1];
    await replica('a').kill();
    replicas.set('a', await start('a'));

    const stale = await replica('a').get(VIEW);
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({
      stale: true,
      fetchedAt: good.fetchedAt,
      error: staleError,
    });
    const search = await replica('a').get(SEARCH);
    expect(search.status).toBe(503);
    expect(NEXT_ATTEMPT.exec(search.body.error.message)?.[1]).toBe(reference);
    expect(proxy.requests.length).toBe(before);
  });
});
