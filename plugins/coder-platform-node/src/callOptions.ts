/**
 * How a caller bounds the upstream requests one client call makes.
 *
 * A call (a page of users, the backups of one prefix) may make several
 * requests. The caller passes a `signal` that aborts the whole call (its time
 * budget) and a `gate` that every single request goes through: the backend's
 * per-upstream limiter, so the number of requests open at an upstream never
 * exceeds its bound, whatever a call does inside.
 */

/**
 * Runs one upstream request. It may wait for a free slot first; it hands the
 * request the signal to pass on to fetch / the child process, and settles
 * only once the request has really ended.
 */
export type RequestGate = <T>(
  operation: string,
  request: (signal: AbortSignal | undefined) => Promise<T>,
) => Promise<T>;

export interface CallOptions {
  /** Aborts the call: requests it has open are cancelled at the upstream. */
  signal?: AbortSignal;
  /** Wraps each upstream request; requests run at once with `signal` when absent. */
  gate?: RequestGate;
}

/** The gate of a call, or one that runs each request at once with the call's signal. */
export function gateOf(options: CallOptions = {}): RequestGate {
  if (options.gate) return options.gate;
  return (_operation, request) => {
    options.signal?.throwIfAborted();
    return request(options.signal);
  };
}

/** True for the error fetch / child processes raise when their signal aborts. */
export function isAbortError(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
