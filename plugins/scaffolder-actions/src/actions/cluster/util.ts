import { createHash } from 'node:crypto';
import { retryWithBackoff, sleep as sleepOrAbort } from '../backoff';

/** Waits, rejecting at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepOrAbort(ms, signal, abortError);
}

/** Throws when the task was cancelled. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  return reason instanceof Error
    ? reason
    : new Error('The task was cancelled before the action finished');
}

/** A short stable digest of a JSON value (sorted keys), for checkpoint keys and comparisons. */
export function digest(value: unknown): string {
  return createHash('sha256')
    .update(stableStringify(value))
    .digest('hex')
    .slice(0, 16);
}

/** JSON with object keys sorted, so equal values always serialise alike. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .map(
        k =>
          `${JSON.stringify(k)}:${stableStringify(
            (value as Record<string, unknown>)[k],
          )}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Attempts in total, including the first. Default 4. */
  attempts?: number;
  /** First delay in ms, doubled per attempt. Default 250. */
  baseDelayMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `fn`, retrying with exponential back-off while `retryable(error)`
 * says the failure is transient (429, 5xx, dropped connections). Only for
 * idempotent calls.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  options: RetryOptions = {},
): Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? 250;
  return retryWithBackoff(fn, {
    maxAttempts: Math.max(1, options.attempts ?? 4),
    retryable,
    signal: options.signal,
    abortError,
    delayMs: attempt => baseDelayMs * 2 ** (attempt - 1),
  });
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** Whether an HTTP status or a network error code is worth retrying. */
export function isTransient(
  status: number | undefined,
  code?: unknown,
): boolean {
  if (status !== undefined) return status === 429 || status >= 500;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}
