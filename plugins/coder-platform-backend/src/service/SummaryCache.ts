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
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Read-through cache over CacheService with last-good fallback:
 * - a value younger than `maxAgeMs` is served without calling the upstream;
 * - otherwise the upstream is called once (concurrent callers share the call);
 * - when it fails, the last good value is served with `stale: true` and the
 *   error, or a 503 naming the upstream when there is none.
 */
export class SummaryCache {
  readonly #cache: CacheService;
  readonly #logger: LoggerService;
  readonly #keepMs: number;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<Entry<unknown>>>();

  constructor(options: SummaryCacheOptions) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#keepMs = options.keepMs ?? 7 * 24 * 3600_000;
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
  }): Promise<CachedResult<T>> {
    const previous = await this.#read<T>(options.key);
    if (
      previous &&
      this.#now() - Date.parse(previous.fetchedAt) < options.maxAgeMs
    ) {
      return {
        data: previous.data,
        freshness: { fetchedAt: previous.fetchedAt, stale: false },
      };
    }
    try {
      const entry = (await this.#load(
        options.key,
        () => options.load(previous?.data),
        options.keepMs,
      )) as Entry<T>;
      return {
        data: entry.data,
        freshness: { fetchedAt: entry.fetchedAt, stale: false },
      };
    } catch (error) {
      const message = redact(
        (error as Error).message ?? String(error),
        options.secrets,
      );
      this.#logger.warn(
        `${options.upstream} of cluster ${options.cluster} failed (${options.key}): ${message}`,
      );
      if (previous) {
        return {
          data: previous.data,
          freshness: {
            fetchedAt: previous.fetchedAt,
            stale: true,
            error: { upstream: options.upstream, message },
          },
        };
      }
      throw new ServiceUnavailableError(
        `${options.upstream} of cluster ${options.cluster} is unavailable and nothing is cached: ${message}`,
      );
    }
  }

  /** Loads and stores a value now (the scheduler's refresh); errors propagate. */
  async refresh<T>(
    key: string,
    load: (previous: T | undefined) => Promise<T>,
  ): Promise<void> {
    const previous = await this.#read<T>(key);
    await this.#load(key, () => load(previous?.data));
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
