import { LoggerService } from '@backstage/backend-plugin-api';
import { redact } from '@coder-platform/plugin-coder-platform-node';

/** What a guarded cache store call gave: its value, or nothing (the store failed). */
export type StoreResult<T> = { ok: true; value: T } | { ok: false };

export interface StoreGuardOptions {
  logger: LoggerService;
  /**
   * Budget of one cache store call. While Redis is down its client queues
   * commands and never answers, so a call over budget counts as failed.
   * Default 1 s.
   */
  timeoutMs?: number;
  /**
   * After a failure, calls skip the store this long before one tries again;
   * doubles per failure in a row up to `maxRetryMs`. Default 5 s.
   */
  retryMs?: number;
  /** Longest pause between tries at a failing store. Default 5 min. */
  maxRetryMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Every cache store call of the views and the back-off goes through here,
 * so a cache store outage never breaks a view: a call that fails or stays
 * unanswered past its budget gives `{ ok: false }` (the caller goes on
 * without the store), then the store is left alone for a while (5 s,
 * doubling up to 5 min) instead of costing every request the budget again:
 * Backstage's Redis client queues every command while it is disconnected,
 * and does not reconnect after Redis restarts (backstage/backstage#31742),
 * so each try leaves one more queued command. The outage is logged once,
 * and its end once.
 */
export class StoreGuard {
  readonly #logger: LoggerService;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #now: () => number;
  #down = false;
  #failures = 0;
  #retryAt = 0;

  constructor(options: StoreGuardOptions) {
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    this.#retryMs = options.retryMs ?? 5_000;
    this.#maxRetryMs = options.maxRetryMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /** True while the store is taken to be down. */
  get down(): boolean {
    return this.#down;
  }

  /** Runs one store call; `what` names it in the outage log line. */
  async run<T>(what: string, call: () => Promise<T>): Promise<StoreResult<T>> {
    if (this.#down && this.#now() < this.#retryAt) return { ok: false };
    let timer: NodeJS.Timeout | undefined;
    const started = Promise.resolve().then(call);
    // A call given up on may still settle later: never an unhandled rejection.
    started.catch(() => undefined);
    try {
      const value = await Promise.race([
        started,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`no answer within ${this.#timeoutMs / 1000} s`)),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#failures = 0;
      if (this.#down) {
        this.#down = false;
        this.#logger.info(
          'cache store answers again: views are cached and the upstream back-off is shared by every replica again',
        );
      }
      return { ok: true, value };
    } catch (error) {
      this.#failures += 1;
      this.#retryAt =
        this.#now() +
        Math.min(
          this.#maxRetryMs,
          this.#retryMs * 2 ** Math.min(this.#failures - 1, 40),
        );
      if (!this.#down) {
        this.#down = true;
        this.#logger.warn(
          `cache store failed (${what}: ${redact(
            (error as Error | undefined)?.message ?? String(error),
          )}); views are answered without it, and this replica backs off failing upstreams on its own, until the store answers again`,
        );
      }
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }
}
