import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { SummaryCache } from './SummaryCache';

/** One cache store shared by every "replica" of a test, counting its calls. */
function sharedStore() {
  const store = new Map<string, unknown>();
  const calls = { get: 0, set: 0, delete: 0 };
  const cache: CacheService = {
    get: async key => {
      calls.get += 1;
      return store.get(key) as any;
    },
    set: async (key, value) => {
      calls.set += 1;
      store.set(key, value);
    },
    delete: async key => {
      calls.delete += 1;
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return { cache, calls };
}

const settle = () => new Promise(resolve => setImmediate(resolve));
const START = Date.parse('2026-11-28T10:00:00Z');

/** Replicas of one backend on one cache store and one clock. */
function cluster(count: number, cache = sharedStore().cache) {
  const clock = { now: START };
  const logger = mockServices.logger.mock();
  const replica = () =>
    new SummaryCache({ cache, logger, now: () => clock.now });
  const replicas = Array.from({ length: count }, replica);
  return { clock, replicas, replica, logger };
}

const down = () =>
  jest.fn(async (): Promise<{ n: number }> => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:443');
  });

const request = (
  summaries: SummaryCache,
  load: () => Promise<{ n: number }>,
  key = 'coder-platform:v1:dev:coder',
) =>
  summaries.get({
    key,
    upstream: 'coder',
    cluster: 'dev',
    maxAgeMs: 60_000,
    load,
    secrets: [],
  });

/** Requests every second for `seconds`, round-robin over the replicas; the upstream calls made. */
async function drive(
  replicas: SummaryCache[],
  clock: { now: number },
  seconds: number,
) {
  const load = down();
  for (let i = 0; i < seconds; i++) {
    await request(replicas[i % replicas.length], load).catch(() => undefined);
    await settle();
    clock.now += 1000;
  }
  return load.mock.calls.length;
}

describe('SummaryCache back-off shared by replicas', () => {
  it('makes as many attempts at a down upstream with two replicas as with one (5 s, 10 s, 20 s, ...)', async () => {
    const one = cluster(1);
    const two = cluster(2);
    const single = await drive(one.replicas, one.clock, 80);
    const pair = await drive(two.replicas, two.clock, 80);
    // t = 0, 5, 15, 35, 75: five attempts in 80 s, however many replicas.
    expect(single).toBe(5);
    expect(pair).toBe(single);
    // Each replica alone, on its own store, makes its own five.
    const apart = [cluster(1), cluster(1)];
    let separate = 0;
    for (const c of apart) separate += await drive(c.replicas, c.clock, 80);
    expect(separate).toBe(2 * single);
  });

  it('gives the same next attempt on every replica, and a restarted replica still knows it', async () => {
    const { clock, replicas, replica } = cluster(2);
    const [a, b] = replicas;
    const load = down();
    await expect(request(a, load)).rejects.toThrow(
      'coder of cluster dev is unavailable and nothing is cached: connect ECONNREFUSED',
    );
    clock.now += 2000;
    const next =
      'not asked again for 3 s, next attempt after 2026-11-28T10:00:05.000Z';
    await expect(request(b, load)).rejects.toThrow(next);
    await expect(request(a, load)).rejects.toThrow(next);
    // Another view of the same upstream is backed off too.
    await expect(
      request(b, load, 'coder-platform:v1:dev:workspaces'),
    ).rejects.toThrow(next);
    await expect(request(replica(), load)).rejects.toThrow(next);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('ends the back-off on every replica when one of them reaches the upstream', async () => {
    const { clock, replicas } = cluster(2);
    const [a, b] = replicas;
    await request(a, down()).catch(() => undefined);
    clock.now += 1000;
    const back = jest.fn(async () => ({ n: 1 }));
    await expect(
      b.get({
        key: 'coder-platform:v1:dev:coder',
        upstream: 'coder',
        cluster: 'dev',
        maxAgeMs: 60_000,
        load: back,
        secrets: [],
        refresh: true,
      }),
    ).resolves.toMatchObject({ data: { n: 1 }, freshness: { stale: false } });
    const other = jest.fn(async () => ({ n: 2 }));
    await expect(
      request(a, other, 'coder-platform:v1:dev:workspaces'),
    ).resolves.toMatchObject({ data: { n: 2 } });
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('marks the cached value stale on every replica once one replica saw the upstream fail', async () => {
    const { clock, replicas } = cluster(2);
    const [a, b] = replicas;
    await request(a, async () => ({ n: 1 }));
    clock.now += 120_000;
    const load = down();
    // a answers from cache and revalidates behind the answer; it fails.
    await expect(request(a, load)).resolves.toMatchObject({
      freshness: { stale: false },
    });
    await settle();
    for (const replica of [b, a, b]) {
      await expect(request(replica, load)).resolves.toEqual({
        data: { n: 1 },
        freshness: {
          fetchedAt: '2026-11-28T10:00:00.000Z',
          stale: true,
          error: {
            upstream: 'coder',
            message: 'connect ECONNREFUSED 10.0.0.7:443',
          },
        },
      });
    }
    await settle();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reads the back-off with one small get next to the value, and writes nothing for a fresh value', async () => {
    const { cache, calls } = sharedStore();
    const { replicas } = cluster(1, cache);
    await request(replicas[0], async () => ({ n: 1 }));
    const before = { ...calls };
    await request(replicas[0], async () => ({ n: 1 }));
    expect(calls).toEqual({ ...before, get: before.get + 2 });
  });

  it('keeps the views up and backs off locally while the cache store is down, logging the outage once', async () => {
    const failing: CacheService = {
      get: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      set: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      delete: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      withOptions: () => failing,
    };
    const { clock, replicas, logger } = cluster(1, failing);
    const [a] = replicas;
    await expect(request(a, async () => ({ n: 1 }))).resolves.toMatchObject({
      data: { n: 1 },
    });
    const load = down();
    await expect(request(a, load)).rejects.toThrow('nothing is cached');
    clock.now += 1000;
    await expect(request(a, load)).rejects.toThrow('next attempt after');
    expect(load).toHaveBeenCalledTimes(1);
    // Values and back-off both fail to read and write: one line says so.
    const outage = logger.warn.mock.calls.filter(([m]) =>
      String(m).startsWith('cache store failed ('),
    );
    expect(outage).toHaveLength(1);
  });

  it('answers the views when the cache store never answers (Redis down: its client queues commands)', async () => {
    const hung: CacheService = {
      get: () => new Promise(() => undefined),
      set: () => new Promise(() => undefined),
      delete: () => new Promise(() => undefined),
      withOptions: () => hung,
    };
    let now = START;
    const logger = mockServices.logger.mock();
    const summaries = new SummaryCache({
      cache: hung,
      logger,
      storeTimeoutMs: 20,
      now: () => now,
    });
    await expect(
      request(summaries, async () => ({ n: 1 })),
    ).resolves.toMatchObject({ data: { n: 1 }, freshness: { stale: false } });
    const load = down();
    await expect(request(summaries, load)).rejects.toThrow('nothing is cached');
    now += 1000;
    await expect(request(summaries, load)).rejects.toThrow(
      'next attempt after',
    );
    expect(load).toHaveBeenCalledTimes(1);
    expect(
      logger.warn.mock.calls.filter(([m]) =>
        String(m).startsWith('cache store failed ('),
      ),
    ).toHaveLength(1);
  });
});
