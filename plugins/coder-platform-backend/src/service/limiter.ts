import type {
  CallOptions,
  RequestGate,
} from '@coder-platform/plugin-coder-platform-node';

/** Thrown when an upstream call exceeds its time budget. */
export class UpstreamTimeoutError extends Error {
  readonly name = 'UpstreamTimeoutError';
}

/** Thrown when too many calls to one upstream are already waiting. */
export class UpstreamBusyError extends Error {
  readonly name = 'UpstreamBusyError';
}

export interface LimiterOptions {
  /** Requests open at the upstream at once. */
  concurrency: number;
  /** Time budget of one call, its time waiting for a slot included. */
  timeoutMs: number;
  /** Requests allowed to wait; more are refused at once. Default 100. */
  maxQueue?: number;
}

interface Waiter {
  /** Starts the request; false when its budget had run out. */
  start: () => boolean;
}

/**
 * Bounds the requests open at one upstream, and the time of each call.
 *
 * - A slot is held by one upstream request from its start until it has
 *   really ended (its promise settled after its signal aborted), so the
 *   bound holds at the upstream's side even when callers gave up.
 * - A call's budget starts when it is made: time waiting for a slot counts.
 *   When it runs out, the caller gets an {@link UpstreamTimeoutError} at
 *   once, the call's signal aborts (fetch, child processes stop), and queued
 *   requests of that call leave the queue.
 */
export class Limiter {
  readonly #options: Required<LimiterOptions>;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(options: LimiterOptions) {
    this.#options = { maxQueue: 100, ...options };
  }

  /** Requests holding a slot (including timed-out ones still winding down). */
  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  get concurrency(): number {
    return this.#options.concurrency;
  }

  /**
   * One call that may make several requests: `fn` gets the call's signal and
   * a gate through which each request takes a slot. Rejects with an
   * {@link UpstreamTimeoutError} when the budget runs out.
   */
  call<T>(
    label: string,
    fn: (options: Required<CallOptions>) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const signal = controller.signal;
    const deadline = Date.now() + this.#options.timeoutMs;
    let queued = 0;
    const timeout = () =>
      new UpstreamTimeoutError(
        `${label}: no answer within ${Math.round(
          this.#options.timeoutMs / 1000,
        )} s${
          queued > 0
            ? ` (waited for one of ${this.#options.concurrency} slots)`
            : ''
        }`,
      );
    /** Ends the budget: aborts the call's requests; returns the error callers see. */
    const expire = () => {
      if (!signal.aborted) controller.abort(timeout());
      return signal.reason;
    };
    const gate: RequestGate = (_operation, request) =>
      this.#acquire(label, request, signal, {
        deadline,
        expire,
        onQueue: delta => (queued += delta),
      });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(expire()), this.#options.timeoutMs);
      let result: Promise<T>;
      try {
        result = fn({ signal, gate });
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        value => {
          clearTimeout(timer);
          resolve(value);
        },
        error => {
          clearTimeout(timer);
          reject(signal.aborted ? signal.reason : error);
        },
      );
    });
  }

  /**
   * A gate of this limiter for a call made on another limiter (its signal
   * ends the wait and the requests): e.g. the GCS listing of a restic call.
   */
  gateFor(label: string, signal: AbortSignal): RequestGate {
    return (_operation, request) =>
      this.#acquire(label, request, signal, {
        deadline: Infinity,
        expire: () => signal.reason,
        onQueue: () => {},
      });
  }

  /** One request as its own call: its budget, one slot. */
  run<T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.call(label, ({ gate }) =>
      gate(label, signal => fn(signal as AbortSignal)),
    );
  }

  #acquire<T>(
    label: string,
    request: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
    call: {
      deadline: number;
      expire: () => unknown;
      onQueue: (delta: number) => void;
    },
  ): Promise<T> {
    signal.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        reject(signal.reason);
      };
      const start = () => {
        if (Date.now() >= call.deadline) {
          // The budget ran out while waiting: never start it.
          settled = true;
          signal.removeEventListener('abort', onAbort);
          reject(call.expire());
          return false;
        }
        this.#active += 1;
        let running: Promise<T>;
        try {
          running = request(signal);
        } catch (error) {
          running = Promise.reject(error);
        }
        running
          .then(
            value => {
              if (!settled) {
                settled = true;
                resolve(value);
              }
            },
            error => {
              if (!settled) {
                settled = true;
                reject(signal.aborted ? signal.reason : error);
              }
            },
          )
          .finally(() => {
            // The request has really ended: only now the slot is free. An
            // aborted fetch rejects before its socket has finished closing:
            // give the teardown one turn of the event loop first.
            signal.removeEventListener('abort', onAbort);
            const release = () => {
              this.#active -= 1;
              this.#next();
            };
            if (signal.aborted) setImmediate(release);
            else release();
          });
        return true;
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.#active < this.#options.concurrency) {
        start();
        return;
      }
      if (this.#queue.length >= this.#options.maxQueue) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        reject(new UpstreamBusyError(`${label}: too many requests waiting`));
        return;
      }
      const waiter: Waiter = {
        start: () => {
          // eslint-disable-next-line @typescript-eslint/no-use-before-define
          leave();
          return start();
        },
      };
      const leave = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        signal.removeEventListener('abort', leave);
        call.onQueue(-1);
      };
      this.#queue.push(waiter);
      call.onQueue(1);
      signal.addEventListener('abort', leave, { once: true });
    });
  }

  #next() {
    while (this.#active < this.#options.concurrency && this.#queue.length > 0) {
      this.#queue[0].start();
    }
  }
}
