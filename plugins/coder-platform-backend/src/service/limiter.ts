/** Thrown when an upstream call exceeds its time budget. */
export class UpstreamTimeoutError extends Error {
  readonly name = 'UpstreamTimeoutError';
}

/** Thrown when too many calls to one upstream are already waiting. */
export class UpstreamBusyError extends Error {
  readonly name = 'UpstreamBusyError';
}

export interface LimiterOptions {
  /** Calls in flight at once. */
  concurrency: number;
  /** Time budget of one call, including none of its queueing. */
  timeoutMs: number;
  /** Calls allowed to wait; more are refused at once. Default 100. */
  maxQueue?: number;
}

/**
 * Bounds concurrency and time per upstream (a small p-limit with timeouts).
 * The function receives an AbortSignal that fires on timeout, so clients that
 * accept one stop their request.
 */
export class Limiter {
  readonly #options: Required<LimiterOptions>;
  readonly #queue: Array<() => void> = [];
  #active = 0;

  constructor(options: LimiterOptions) {
    this.#options = { maxQueue: 100, ...options };
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  async run<T>(
    label: string,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#active >= this.#options.concurrency) {
      if (this.#queue.length >= this.#options.maxQueue) {
        throw new UpstreamBusyError(`${label}: too many requests waiting`);
      }
      await new Promise<void>(resolve => this.#queue.push(resolve));
    }
    this.#active += 1;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(controller.signal),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(
              new UpstreamTimeoutError(
                `${label}: no answer within ${Math.round(
                  this.#options.timeoutMs / 1000,
                )} s`,
              ),
            );
          }, this.#options.timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.#active -= 1;
      this.#queue.shift()?.();
    }
  }
}
