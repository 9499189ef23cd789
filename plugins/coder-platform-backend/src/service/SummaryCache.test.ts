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

describe('SummaryCache', () => {
  let now = Date.parse('2026-11-28T10:00:00Z');
  const summaries = new SummaryCache({
    cache: memoryCache(),
    logger: mockServices.logger.mock(),
    now: () => now,
  });
  const get = (load: () => Promise<{ n: number }>, key = 'k') =>
    summaries.get({
      key,
      upstream: 'keycloak',
      cluster: 'dev',
      maxAgeMs: 60_000,
      load,
      secrets: ['s3cr3t-value'],
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
    now += 31_000;
    await get(async () => ({ n: 2 }));
    await expect(get(load)).resolves.toMatchObject({ data: { n: 2 } });
  });

  it('serves the last good value flagged stale when the upstream fails, without secrets', async () => {
    now += 120_000;
    const result = await get(async () => {
      throw new Error('401 for client secret s3cr3t-value');
    });
    expect(result).toEqual({
      data: { n: 2 },
      freshness: {
        fetchedAt: expect.any(String),
        stale: true,
        error: { upstream: 'keycloak', message: '401 for client secret ***' },
      },
    });
  });

  it('throws a 503 naming the upstream when nothing good is cached', async () => {
    await expect(
      get(async () => {
        throw new Error('ECONNREFUSED');
      }, 'other'),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'keycloak of cluster dev is unavailable and nothing is cached: ECONNREFUSED',
    });
  });

  it('shares one upstream call between concurrent requests', async () => {
    now += 120_000;
    const load = jest.fn(
      () => new Promise<{ n: number }>(r => setTimeout(() => r({ n: 3 }), 10)),
    );
    await Promise.all([get(load), get(load), get(load)]);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
