import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  backoffTtlMs,
  BackoffState,
  BackoffStore,
  nextBackoff,
} from './backoffState';
import { StoreGuard } from './storeGuard';

const policy = { backoffMs: 5_000, maxBackoffMs: 300_000 };

/** An in-memory store that records the TTL of every write. */
function memoryCache() {
  const store = new Map<string, unknown>();
  const ttls: number[] = [];
  const cache: CacheService = {
    get: async key => store.get(key) as any,
    set: async (key, value, options) => {
      ttls.push(options?.ttl as number);
      store.set(key, value);
    },
    delete: async key => void store.delete(key),
    withOptions: () => cache,
  };
  return { cache, store, ttls };
}

describe('nextBackoff', () => {
  it('waits 5 s after the first failure, doubles per failure in a row, and stops at the longest wait', () => {
    let state: BackoffState | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const at = 1_000_000 + i;
      state = nextBackoff(state, { at, message: `failure ${i}` }, policy);
      waits.push(state.until - at);
      expect(state).toMatchObject({
        failures: i + 1,
        at,
        message: `failure ${i}`,
      });
    }
    expect(waits.map(w => w / 1000)).toEqual([
      5, 10, 20, 40, 80, 160, 300, 300, 300,
    ]);
  });

  it('stays finite after very many failures', () => {
    const state = nextBackoff(
      { failures: 5_000, at: 0, until: 1, message: 'x' },
      { at: 10, message: 'y' },
      policy,
    );
    expect(state.until).toBe(10 + 300_000);
  });

  it('keeps the record one longest wait past its window, so the count survives to the next attempt', () => {
    const state = nextBackoff(undefined, { at: 0, message: 'x' }, policy);
    expect(backoffTtlMs(state, policy)).toBe(5_000 + 300_000);
  });
});

describe('BackoffStore', () => {
  it('keeps the state in the cache store under one key per cluster and upstream', async () => {
    const { cache, store, ttls } = memoryCache();
    const backoff = new BackoffStore({
      cache,
      guard: new StoreGuard({ logger: mockServices.logger.mock() }),
      policy,
    });
    const { state, counted } = await backoff.recordFailure('dev', 'keycloak', {
      started: 90,
      at: 100,
      message: 'HTTP 503',
    });
    expect(counted).toBe(true);
    expect([...store.keys()]).toEqual([
      'coder-platform:v1:backoff:dev:keycloak',
    ]);
    expect(store.get('coder-platform:v1:backoff:dev:keycloak')).toEqual(state);
    expect(ttls).toEqual([305_000]);
    await expect(backoff.get('dev', 'gcs')).resolves.toBeUndefined();
    await expect(backoff.get('prod', 'keycloak')).resolves.toBeUndefined();
    await backoff.clear('dev', 'keycloak');
    expect(store.size).toBe(0);
  });

  it('counts one failure once when two stores (replicas) record failures of attempts that ran at the same time', async () => {
    const { cache } = memoryCache();
    const logger = mockServices.logger.mock();
    const guard = new StoreGuard({ logger });
    const a = new BackoffStore({ cache, guard, policy });
    const b = new BackoffStore({ cache, guard, policy });
    const first = await a.recordFailure('dev', 'coder', {
      started: 100,
      at: 200,
      message: 'refused',
    });
    // b's attempt started before a's failure was recorded: not counted again.
    const second = await b.recordFailure('dev', 'coder', {
      started: 150,
      at: 210,
      message: 'refused',
    });
    expect(second).toEqual({ state: first.state, counted: false });
    // An attempt that started after it is the next failure in a row.
    const third = await b.recordFailure('dev', 'coder', {
      started: 5_300,
      at: 5_400,
      message: 'refused again',
    });
    expect(third.counted).toBe(true);
    expect(third.state).toMatchObject({ failures: 2, until: 5_400 + 10_000 });
    await expect(a.get('dev', 'coder')).resolves.toEqual(third.state);
  });

  it('ignores a record it cannot read as a state', async () => {
    const { cache, store } = memoryCache();
    store.set('coder-platform:v1:backoff:dev:coder', { failures: 'x' });
    const backoff = new BackoffStore({
      cache,
      guard: new StoreGuard({ logger: mockServices.logger.mock() }),
      policy,
    });
    await expect(backoff.get('dev', 'coder')).resolves.toBeUndefined();
  });

  it('falls back to its own state while the cache store fails, says so once, and again when the store answers', async () => {
    const { cache } = memoryCache();
    let down = false;
    const flaky: CacheService = {
      get: async key => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        return cache.get(key);
      },
      set: async (key, value, options) => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        return cache.set(key, value, options);
      },
      delete: async key => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        return cache.delete(key);
      },
      withOptions: () => flaky,
    };
    const logger = mockServices.logger.mock();
    const backoff = new BackoffStore({
      cache: flaky,
      guard: new StoreGuard({ logger, retryMs: 0 }),
      policy,
    });
    down = true;
    const { state } = await backoff.recordFailure('dev', 'gcs', {
      started: 0,
      at: 1,
      message: 'HTTP 500',
    });
    for (let i = 0; i < 5; i++) {
      await expect(backoff.get('dev', 'gcs')).resolves.toEqual(state);
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(
      /^cache store failed \(reading coder-platform:v1:backoff:dev:gcs: connect ECONNREFUSED 127\.0\.0\.1:6379\); views are answered without it, and this replica backs off failing upstreams on its own/,
    );
    down = false;
    // The store never got the record; the shared (empty) state wins again.
    await expect(backoff.get('dev', 'gcs')).resolves.toBeUndefined();
    expect(logger.info).toHaveBeenCalledTimes(1);
    down = true;
    await backoff.get('dev', 'gcs');
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });
});
