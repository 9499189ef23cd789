import { mockServices } from '@backstage/backend-test-utils';
import { CacheService } from '@backstage/backend-plugin-api';
import { SummaryCache } from './SummaryCache';

function memoryCache(): CacheService {
  const store = new Map<string, unknown>();
  const cache: CacheService = {
    get: async key => store.get(key) as any,
    set: async (key, value) => {
      store.set(key, value);
    },
    delete: async key => {
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

/** Lets background refreshes (promise chains) run. */
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('SummaryCache', () => {
  let now: number;
  let summaries: SummaryCache;
  beforeEach(() => {
    now = Date.parse('2026-11-28T10:00:00Z');
    summaries = new SummaryCache({
      cache: memoryCache(),
      logger: mockServices.logger.mock(),
      now: () => now,
    });
  });
  const get = (
    load: () => Promise<{ n: number }>,
    key = 'k',
    extra: { refresh?: boolean } = {},
  ) =>
    summaries.get({
      key,
      upstream: 'keycloak',
      cluster: 'dev',
      maxAgeMs: 60_000,
      load,
      secrets: ['s3cr3t-value'],
      ...extra,
    });
  const failing = (message = '401 for client secret s3cr3t-value') =>
    jest.fn(async (): Promise<{ n: number }> => {
      throw new Error(message);
    });

  it('calls the upstream once, then serves from cache until maxAge', async () => {
    const load = jest.fn(async () => ({ n: 1 }));
    await expect(get(load)).resolves.toEqual({
      data: { n: 1 },
      freshness: { fetchedAt: '2026-11-28T10:00:00.000Z', stale: false },
    });
    now += 30_000;
    await get(load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('serves an old value at once and refreshes it in the background (stale-while-revalidate)', async () => {
    await get(async () => ({ n: 1 }));
    now += 3 * 24 * 3600_000;
    let finish!: (value: { n: number }) => void;
    const slow = jest.fn(
      () => new Promise<{ n: number }>(resolve => (finish = resolve)),
    );
    // The upstream has not answered, yet the request has its answer.
    await expect(get(slow)).resolves.toEqual({
      data: { n: 1 },
      freshness: { fetchedAt: '2026-11-28T10:00:00.000Z', stale: false },
    });
    expect(slow).toHaveBeenCalledTimes(1);
    // A second request while the refresh runs does not start another.
    await get(slow);
    expect(slow).toHaveBeenCalledTimes(1);
    finish({ n: 2 });
    await settle();
    await expect(get(slow)).resolves.toMatchObject({ data: { n: 2 } });
  });

  it('marks the value stale with the redacted error once a background refresh failed', async () => {
    await get(async () => ({ n: 1 }));
    now += 120_000;
    await get(failing());
    await settle();
    await expect(get(failing())).resolves.toEqual({
      data: { n: 1 },
      freshness: {
        fetchedAt: '2026-11-28T10:00:00.000Z',
        stale: true,
        error: { upstream: 'keycloak', message: '401 for client secret ***' },
      },
    });
  });

  it('backs off a down upstream: no call on every request, then 5 s, 10 s, ...', async () => {
    await get(async () => ({ n: 1 }));
    now += 120_000;
    const down = failing('ECONNREFUSED');
    await get(down);
    await settle();
    expect(down).toHaveBeenCalledTimes(1);
    // Within the back-off: answers from cache, no upstream call.
    for (let i = 0; i < 5; i++) {
      await expect(get(down)).resolves.toMatchObject({
        freshness: { stale: true },
      });
    }
    await settle();
    expect(down).toHaveBeenCalledTimes(1);
    now += 5_000;
    await get(down);
    await settle();
    expect(down).toHaveBeenCalledTimes(2);
    now += 5_000; // the second failure waits 10 s
    await get(down);
    await settle();
    expect(down).toHaveBeenCalledTimes(2);
    now += 5_000;
    await get(down);
    await settle();
    expect(down).toHaveBeenCalledTimes(3);
  });

  it('throws a 503 naming the upstream when nothing is cached, and does not ask again during the back-off', async () => {
    const down = failing('ECONNREFUSED');
    await expect(get(down, 'other')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'keycloak of cluster dev is unavailable and nothing is cached: ECONNREFUSED',
    });
    await expect(get(down, 'other')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'keycloak of cluster dev is unavailable and nothing is cached (not asked again for 5 s, next attempt after 2026-11-28T10:00:05.000Z): ECONNREFUSED',
    });
    expect(down).toHaveBeenCalledTimes(1);
  });

  it('lets the scheduled refresh probe during a back-off, and ends it on success', async () => {
    const down = failing('ECONNREFUSED');
    await expect(get(down, 'other')).rejects.toThrow();
    const back = jest.fn(async () => ({ n: 7 }));
    await expect(get(back, 'other', { refresh: true })).resolves.toMatchObject({
      data: { n: 7 },
      freshness: { stale: false },
    });
    await expect(get(failing(), 'third')).rejects.toThrow(
      'keycloak of cluster dev is unavailable and nothing is cached: 401',
    );
  });

  it('shares one upstream call between concurrent requests', async () => {
    const load = jest.fn(
      () => new Promise<{ n: number }>(r => setTimeout(() => r({ n: 3 }), 10)),
    );
    await Promise.all([get(load), get(load), get(load)]);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
