/**
 * Waiting and retrying for every action group: one implementation of bounded
 * exponential backoff that stops as soon as the task is cancelled. Each group
 * decides what is transient and how it words a cancellation.
 */

/** Builds the error thrown when the task's signal aborts a wait. */
export type AbortErrorFactory = (signal?: AbortSignal) => Error;

/** Sleeps, or rejects with `abortError(signal)` as soon as `signal` aborts. */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  abortError: AbortErrorFactory,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves like `promise`, or rejects as soon as `signal` aborts. */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  abortError: AbortErrorFactory,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** How {@link retryWithBackoff} retries. */
export interface BackoffOptions {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  /** Delay in ms before retry number `attempt` (1 = the first retry). */
  delayMs: (attempt: number) => number;
  /** Whether a failure is transient and worth another attempt. */
  retryable: (error: unknown) => boolean;
  signal?: AbortSignal;
  abortError: AbortErrorFactory;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn`, retrying while `retryable(error)` says the failure is transient,
 * up to `maxAttempts`. Only for idempotent calls. A cancelled task stops the
 * call, the wait and the loop at once.
 */
export async function retryWithBackoff<T>(
  fn: () => Promise<T>,
  options: BackoffOptions,
): Promise<T> {
  const { signal, abortError } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await abortable(fn(), signal, abortError);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (attempt >= options.maxAttempts || !options.retryable(error)) {
        throw error;
      }
      const delay = options.delayMs(attempt);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, signal, abortError);
    }
  }
}
