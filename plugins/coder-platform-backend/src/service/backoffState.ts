import { CacheService } from '@backstage/backend-plugin-api';
import { StoreGuard } from './storeGuard';

/**
 * The back-off of one upstream of one cluster (e.g. `dev`/`keycloak`), as
 * kept in the shared cache store: every replica reads and writes the same
 * record, so N replicas make the attempts of one, and a restarted replica
 * does not forget a down upstream.
 */
export interface BackoffState {
  /** Failed attempts in a row. */
  failures: number;
  /** When the last failure was recorded (epoch ms). */
  at: number;
  /** No attempt before this (epoch ms), except the scheduled refresh. */
  until: number;
  /** The last error, already redacted. */
  message: string;
}

export interface BackoffPolicy {
  /** First wait after a failure; doubles per failure in a row. */
  backoffMs: number;
  /** Longest wait between attempts. */
  maxBackoffMs: number;
}

/** The state after one more failure at `at`. */
export function nextBackoff(
  current: BackoffState | undefined,
  failure: { at: number; message: string },
  policy: BackoffPolicy,
): BackoffState {
  const failures = (current?.failures ?? 0) + 1;
  // 2 ** 40 is past any wait: keeps the number finite after many failures.
  const wait = Math.min(
    policy.maxBackoffMs,
    policy.backoffMs * 2 ** Math.min(failures - 1, 40),
  );
  return {
    failures,
    at: failure.at,
    until: failure.at + wait,
    message: failure.message,
  };
}

/**
 * How long the record stays in the store: its window, then one longest wait
 * more, so the failure count is still there at the next attempt (and the
 * wait keeps doubling); a recovered upstream's record is deleted at once.
 */
export function backoffTtlMs(
  state: BackoffState,
  policy: BackoffPolicy,
): number {
  return Math.max(1, state.until - state.at) + policy.maxBackoffMs;
}

/** A value read from the store is a state, or is ignored (another version, garbage). */
function asState(value: unknown): BackoffState | undefined {
  const v = value as Partial<BackoffState> | undefined;
  if (
    v &&
    typeof v === 'object' &&
    Number.isFinite(v.failures) &&
    Number.isFinite(v.at) &&
    Number.isFinite(v.until) &&
    typeof v.message === 'string'
  ) {
    return v as BackoffState;
  }
  return undefined;
}

/** Bound of the local mirror (cluster × upstream pairs). */
const MAX_LOCAL = 1000;

/**
 * The back-off records of every cluster and upstream, in the shared cache
 * store (one small key per cluster and upstream, read with one `get`),
 * mirrored in memory. When the store fails, the replica goes on with its
 * own mirror (each replica then backs off on its own) and says so once per
 * outage ({@link StoreGuard}); views never fail because of it, and wait
 * at most the guard's budget.
 */
export class BackoffStore {
  readonly #cache: CacheService;
  readonly #guard: StoreGuard;
  readonly #policy: BackoffPolicy;
  readonly #local = new Map<string, BackoffState>();

  constructor(options: {
    cache: CacheService;
    /** Budget and outage log of every store call. */
    guard: StoreGuard;
    policy: BackoffPolicy;
  }) {
    this.#cache = options.cache;
    this.#guard = options.guard;
    this.#policy = options.policy;
  }

  /** The cache store key of one cluster's upstream. */
  static key(cluster: string, upstream: string): string {
    return `coder-platform:v1:backoff:${cluster}:${upstream}`;
  }

  /** The current record (maybe past its `until`), or undefined. */
  async get(
    cluster: string,
    upstream: string,
  ): Promise<BackoffState | undefined> {
    const key = BackoffStore.key(cluster, upstream);
    const read = await this.#guard.run(`reading ${key}`, () =>
      this.#cache.get(key),
    );
    if (!read.ok) return this.#local.get(key);
    const state = asState(read.value);
    this.#mirror(key, state);
    return state;
  }

  /**
   * Records a failed attempt that started at `started`. When another attempt
   * (of this replica or another) already recorded a failure since then, that
   * one counts and this one is not counted again: concurrent failures of one
   * upstream double the wait once, not per caller or per replica.
   */
  async recordFailure(
    cluster: string,
    upstream: string,
    failure: { started: number; at: number; message: string },
  ): Promise<{ state: BackoffState; counted: boolean }> {
    const current = await this.get(cluster, upstream);
    if (current && current.at >= failure.started) {
      return { state: current, counted: false };
    }
    const key = BackoffStore.key(cluster, upstream);
    const state = nextBackoff(current, failure, this.#policy);
    this.#mirror(key, state);
    await this.#guard.run(`writing ${key}`, () =>
      this.#cache.set(
        key,
        state as unknown as Parameters<CacheService['set']>[1],
        { ttl: backoffTtlMs(state, this.#policy) },
      ),
    );
    return { state, counted: true };
  }

  /** The upstream answered: no back-off, on every replica. */
  async clear(cluster: string, upstream: string): Promise<void> {
    const key = BackoffStore.key(cluster, upstream);
    this.#local.delete(key);
    await this.#guard.run(`deleting ${key}`, () => this.#cache.delete(key));
  }

  #mirror(key: string, state: BackoffState | undefined) {
    this.#local.delete(key);
    if (!state) return;
    this.#local.set(key, state);
    if (this.#local.size > MAX_LOCAL) {
      this.#local.delete(this.#local.keys().next().value as string);
    }
  }
}
