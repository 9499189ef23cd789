import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Freshness } from '@coder-platform/plugin-coder-platform-common';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import { BackoffState, BackoffStore } from './backoffState';
import { StoreGuard } from './storeGuard';

interface Entry<T> {
  data: T;
  fetchedAt: string;
}

export interface CachedResult<T> {
  data: T;
  freshness: Freshness;
}

interface AttemptOptions<T> {
  key: string;
  upstream: string;
  cluster: string;
  load: (previous: T | undefined) => Promise<T>;
  secrets: Iterable<string>;
  keepMs?: number;
}

export interface SummaryCacheOptions {
  cache: CacheService;
  logger: LoggerService;
  /** How long the last good value is kept for stale answers. Default 7 days. */
  keepMs?: number;
  /**
   * First wait after an upstream failed; doubles per failure in a row, on
   * every replica (the back-off is kept in `cache`). Default 5 s.
   */
  backoffMs?: number;
  /** Longest wait between attempts at a failing upstream. Default 5 min. */
  maxBackoffMs?: number;
  /**
   * Budget of one cache store call; past it the view goes on without the
   * store (see {@link StoreGuard}). Default 1 s.
   */
  storeTimeoutMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Read-through cache over CacheService, stale-while-revalidate, with a
 * back-off per cluster and upstream shared by every replica (see
 * {@link BackoffStore}):
 * - a value younger than `maxAgeMs` is served without calling the upstream;
 * - an older one is served at once (a request never waits for the upstream
 *   when a value exists, however old) and refreshed in the background;
 * - with no value, the upstream is called and the request waits (concurrent
 *   callers share the call);
 * - when an upstream fails it is not asked again for a while (5 s, doubling
 *   up to 5 min; the scheduled refresh still probes it), by any replica:
 *   answers carry the last good value with `stale: true` and the error, or a
 *   503 naming the upstream and the next attempt when there is none.
 */
export class SummaryCache {
  readonly #cache: CacheService;
  readonly #logger: LoggerService;
  readonly #keepMs: number;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<Entry<unknown>>>();
  readonly #backoff: BackoffStore;
  readonly #guard: StoreGuard;

  constructor(options: SummaryCacheOptions) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#keepMs = options.keepMs ?? 7 * 24 * 3600_000;
    this.#now = options.now ?? Date.now;
    this.#guard = new StoreGuard({
      logger: options.logger,
      timeoutMs: options.storeTimeoutMs,
      now: this.#now,
    });
    this.#backoff = new BackoffStore({
      cache: options.cache,
      guard: this.#guard,
      policy: {
        backoffMs: options.backoffMs ?? 5_000,
        maxBackoffMs: options.maxBackoffMs ?? 300_000,
      },
    });
  }

  async get<T>(options: {
    key: string;
    /** Upstream named in stale markers and 503s, e.g. `keycloak`. */
    upstream: string;
    cluster: string;
    maxAgeMs: number;
    load: (previous: T | undefined) => Promise<T>;
    /** Secrets to scrub from error messages. */
    secrets: Iterable<string>;
    /** How long this value is kept for stale answers; the cache's default when absent. */
    keepMs?: number;
    /**
     * The scheduled refresh: load now and wait for it, even during a
     * back-off (it is the probe that ends one).
     */
    refresh?: boolean;
  }): Promise<CachedResult<T>> {
    // Two small reads at once: the value and the upstream's back-off.
    const [previous, backoff] = await Promise.all([
      this.#read<T>(options.key),
      this.#backoff.get(options.cluster, options.upstream),
    ]);
    const now = this.#now();
    const age = previous ? now - Date.parse(previous.fetchedAt) : Infinity;
    const backingOff = backoff && backoff.until > now ? backoff : undefined;
    if (previous && !options.refresh) {
      if (age >= options.maxAgeMs && !backingOff) {
        // Stale-while-revalidate: answer now, refresh behind the answer.
        this.#attempt(options, previous).catch(() => {
          // logged and recorded by #attempt
        });
      }
      return this.#answer(options, previous, backoff);
    }
    if (backingOff && !options.refresh) {
      throw new ServiceUnavailableError(
        `${options.upstream} of cluster ${
          options.cluster
        } is unavailable and nothing is cached (not asked again for ${Math.ceil(
          (backingOff.until - now) / 1000,
        )} s, next attempt after ${new Date(
          backingOff.until,
        ).toISOString()}): ${backingOff.message}`,
      );
    }
    try {
      const entry = await this.#attempt(options, previous);
      return {
        data: entry.data,
        freshness: { fetchedAt: entry.fetchedAt, stale: false },
      };
    } catch (error) {
      if (previous) {
        return this.#answer(
          options,
          previous,
          await this.#backoff.get(options.cluster, options.upstream),
        );
      }
      throw new ServiceUnavailableError(
        `${options.upstream} of cluster ${
          options.cluster
        } is unavailable and nothing is cached: ${this.#message(
          error,
          options.secrets,
        )}`,
      );
    }
  }

  /** The cached value, marked stale with the error when the upstream failed after it was read. */
  #answer<T>(
    options: { upstream: string },
    previous: Entry<T>,
    backoff: BackoffState | undefined,
  ): CachedResult<T> {
    if (backoff && backoff.at >= Date.parse(previous.fetchedAt)) {
      return {
        data: previous.data,
        freshness: {
          fetchedAt: previous.fetchedAt,
          stale: true,
          error: { upstream: options.upstream, message: backoff.message },
        },
      };
    }
    return {
      data: previous.data,
      freshness: { fetchedAt: previous.fetchedAt, stale: false },
    };
  }

  /** One load, shared by this replica's concurrent callers of one key. */
  async #attempt<T>(
    options: AttemptOptions<T>,
    previous: Entry<T> | undefined,
  ): Promise<Entry<T>> {
    const running = this.#inFlight.get(options.key);
    if (running) return running as Promise<Entry<T>>;
    const promise = this.#loadAndRecord(options, previous);
    this.#inFlight.set(options.key, promise);
    try {
      return await promise;
    } finally {
      this.#inFlight.delete(options.key);
    }
  }

  /** Loads, writes the value, and ends or extends the upstream's back-off. */
  async #loadAndRecord<T>(
    options: AttemptOptions<T>,
    previous: Entry<T> | undefined,
  ): Promise<Entry<T>> {
    const started = this.#now();
    let data: T;
    try {
      data = await options.load(previous?.data);
    } catch (error) {
      await this.#recordFailure(options, started, error);
      throw error;
    }
    const entry: Entry<T> = {
      data,
      fetchedAt: new Date(this.#now()).toISOString(),
    };
    await this.#guard.run(`writing ${options.key}`, () =>
      this.#cache.set(
        options.key,
        entry as unknown as Parameters<CacheService['set']>[1],
        { ttl: options.keepMs ?? this.#keepMs },
      ),
    );
    await this.#backoff.clear(options.cluster, options.upstream);
    return entry;
  }

  async #recordFailure(
    options: {
      key: string;
      upstream: string;
      cluster: string;
      secrets: Iterable<string>;
    },
    started: number,
    error: unknown,
  ) {
    const message = this.#message(error, options.secrets);
    const { state, counted } = await this.#backoff.recordFailure(
      options.cluster,
      options.upstream,
      { started, at: this.#now(), message },
    );
    const until = new Date(state.until).toISOString();
    this.#logger.warn(
      `${options.upstream} of cluster ${options.cluster} failed (${
        options.key
      }): ${message}; ${
        counted
          ? `not asked again for ${Math.round(
              (state.until - state.at) / 1000,
            )} s (failure ${
              state.failures
            } in a row, next attempt after ${until})`
          : `already backed off until ${until}`
      }`,
    );
  }

  #message(error: unknown, secrets: Iterable<string>): string {
    return redact(
      (error as Error | undefined)?.message ?? String(error),
      secrets,
    );
  }

  async #read<T>(key: string): Promise<Entry<T> | undefined> {
    const read = await this.#guard.run(`reading ${key}`, () =>
      this.#cache.get(key),
    );
    return read.ok ? (read.value as Entry<T> | undefined) : undefined;
  }
}
