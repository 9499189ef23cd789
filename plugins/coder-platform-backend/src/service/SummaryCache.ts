import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { Freshness } from '@coder-platform/plugin-coder-platform-common';
import { redact } from '@coder-platform/plugin-coder-platform-node';

interface Entry<T> {
  data: T;
  fetchedAt: string;
}

export interface CachedResult<T> {
  data: T;
  freshness: Freshness;
}

export interface SummaryCacheOptions {
  cache: CacheService;
  logger: LoggerService;
  /** How long the last good value is kept for stale answers. Default 7 days. */
  keepMs?: number;
  /** First wait after an upstream failed; doubles per failure. Default 5 s. */
  backoffMs?: number;
  /** Longest wait between attempts at a failing upstream. Default 5 min. */
  maxBackoffMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

interface Failure {
  /** When it failed (epoch ms). */
  at: number;
  message: string;
}

interface Backoff extends Failure {
  failures: number;
  /** No attempt before this (epoch ms), except the scheduled refresh. */
  until: number;
}

/** Failures remembered per key, for marking answers stale (bounded). */
const MAX_FAILURES = 1000;

/**
 * Read-through cache over CacheService, stale-while-revalidate, with a
 * back-off per upstream:
 * - a value younger than `maxAgeMs` is served without calling the upstream;
 * - an older one is served at once (a request never waits for the upstream
 *   when a value exists, however old) and refreshed in the background;
 * - with no value, the upstream is called and the request waits (concurrent
 *   callers share the call);
 * - when an upstream fails it is not asked again for a while (5 s, doubling
 *   up to 5 min; the scheduled refresh still probes it): answers carry the
 *   last good value with `stale: true` and the error, or a 503 naming the
 *   upstream when there is none.
 */
export class SummaryCache {
  readonly #cache: CacheService;
  readonly #logger: LoggerService;
  readonly #keepMs: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<Entry<unknown>>>();
  readonly #failures = new Map<string, Failure>();
  readonly #backoffs = new Map<string, Backoff>();

  constructor(options: SummaryCacheOptions) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#keepMs = options.keepMs ?? 7 * 24 * 3600_000;
    this.#backoffMs = options.backoffMs ?? 5_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 300_000;
    this.#now = options.now ?? Date.now;
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
    const previous = await this.#read<T>(options.key);
    const age = previous
      ? this.#now() - Date.parse(previous.fetchedAt)
      : Infinity;
    if (previous && !options.refresh) {
      if (age >= options.maxAgeMs && !this.#backingOff(options)) {
        // Stale-while-revalidate: answer now, refresh behind the answer.
        this.#attempt(options, previous).catch(() => {
          // logged and remembered by #attempt
        });
      }
      return this.#answer(options, previous);
    }
    const backoff = this.#backingOff(options);
    if (backoff && !options.refresh) {
      throw new ServiceUnavailableError(
        `${options.upstream} of cluster ${
          options.cluster
        } is unavailable and nothing is cached (not asked again for ${Math.ceil(
          (backoff.until - this.#now()) / 1000,
        )} s): ${backoff.message}`,
      );
    }
    try {
      const entry = await this.#attempt(options, previous);
      return {
        data: entry.data,
        freshness: { fetchedAt: entry.fetchedAt, stale: false },
      };
    } catch (error) {
      const message = this.#message(error, options.secrets);
      if (previous) return this.#answer(options, previous);
      throw new ServiceUnavailableError(
        `${options.upstream} of cluster ${options.cluster} is unavailable and nothing is cached: ${message}`,
      );
    }
  }

  /** The cached value, marked stale with the error when the last attempt after it failed. */
  #answer<T>(
    options: { key: string; upstream: string },
    previous: Entry<T>,
  ): CachedResult<T> {
    const failure = this.#failures.get(options.key);
    const fetchedAt = Date.parse(previous.fetchedAt);
    if (failure && failure.at >= fetchedAt) {
      return {
        data: previous.data,
        freshness: {
          fetchedAt: previous.fetchedAt,
          stale: true,
          error: { upstream: options.upstream, message: failure.message },
        },
      };
    }
    return {
      data: previous.data,
      freshness: { fetchedAt: previous.fetchedAt, stale: false },
    };
  }

  #backingOff(options: {
    cluster: string;
    upstream: string;
  }): Backoff | undefined {
    const backoff = this.#backoffs.get(
      `${options.cluster}/${options.upstream}`,
    );
    return backoff && backoff.until > this.#now() ? backoff : undefined;
  }

  /** One load (shared by concurrent callers); records success or failure. */
  async #attempt<T>(
    options: {
      key: string;
      upstream: string;
      cluster: string;
      load: (previous: T | undefined) => Promise<T>;
      secrets: Iterable<string>;
      keepMs?: number;
    },
    previous: Entry<T> | undefined,
  ): Promise<Entry<T>> {
    const target = `${options.cluster}/${options.upstream}`;
    const started = this.#now();
    try {
      const entry = (await this.#load(
        options.key,
        () => options.load(previous?.data),
        options.keepMs,
      )) as Entry<T>;
      this.#failures.delete(options.key);
      this.#backoffs.delete(target);
      return entry;
    } catch (error) {
      const message = this.#message(error, options.secrets);
      const now = this.#now();
      const current = this.#backoffs.get(target);
      if (current && current.at >= started) {
        // A shared load already counted this failure.
        throw error;
      }
      const failures = (current?.failures ?? 0) + 1;
      const wait = Math.min(
        this.#maxBackoffMs,
        this.#backoffMs * 2 ** (failures - 1),
      );
      this.#backoffs.set(target, {
        at: now,
        message,
        failures,
        until: now + wait,
      });
      this.#failures.delete(options.key);
      this.#failures.set(options.key, { at: now, message });
      if (this.#failures.size > MAX_FAILURES) {
        this.#failures.delete(this.#failures.keys().next().value as string);
      }
      this.#logger.warn(
        `${options.upstream} of cluster ${options.cluster} failed (${
          options.key
        }): ${message}; not asked again for ${Math.round(wait / 1000)} s`,
      );
      throw error;
    }
  }

  #message(error: unknown, secrets: Iterable<string>): string {
    return redact(
      (error as Error | undefined)?.message ?? String(error),
      secrets,
    );
  }

  async #load<T>(
    key: string,
    load: () => Promise<T>,
    keepMs = this.#keepMs,
  ): Promise<Entry<T>> {
    const running = this.#inFlight.get(key);
    if (running) return running as Promise<Entry<T>>;
    const promise = (async () => {
      const data = await load();
      const entry: Entry<T> = {
        data,
        fetchedAt: new Date(this.#now()).toISOString(),
      };
      try {
        await this.#cache.set(
          key,
          entry as unknown as Parameters<CacheService['set']>[1],
          { ttl: keepMs },
        );
      } catch (error) {
        this.#logger.warn(
          `could not write cache entry ${key}: ${(error as Error).message}`,
        );
      }
      return entry;
    })();
    this.#inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #read<T>(key: string): Promise<Entry<T> | undefined> {
    try {
      return (await this.#cache.get(key)) as Entry<T> | undefined;
    } catch (error) {
      this.#logger.warn(
        `could not read cache entry ${key}: ${(error as Error).message}`,
      );
      return undefined;
    }
  }
}
