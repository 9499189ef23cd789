/**
 * Shared pieces of the GCP contract servers: the error shapes Google APIs
 * return, a per-RPC call counter and fault injection.
 */

/** Canonical status codes (google.rpc.Code) with their HTTP mapping. */
export const GCP_CODES = {
  CANCELLED: { grpc: 1, http: 499 },
  UNKNOWN: { grpc: 2, http: 500 },
  INVALID_ARGUMENT: { grpc: 3, http: 400 },
  DEADLINE_EXCEEDED: { grpc: 4, http: 504 },
  NOT_FOUND: { grpc: 5, http: 404 },
  ALREADY_EXISTS: { grpc: 6, http: 409 },
  PERMISSION_DENIED: { grpc: 7, http: 403 },
  RESOURCE_EXHAUSTED: { grpc: 8, http: 429 },
  FAILED_PRECONDITION: { grpc: 9, http: 400 },
  ABORTED: { grpc: 10, http: 409 },
  INTERNAL: { grpc: 13, http: 500 },
  UNAVAILABLE: { grpc: 14, http: 503 },
  UNAUTHENTICATED: { grpc: 16, http: 401 },
} as const;

/** A canonical status name, e.g. `NOT_FOUND`. */
export type GcpCode = keyof typeof GCP_CODES;

/** An error detail in the google.rpc shapes (ErrorInfo, QuotaFailure, ...). */
export type GcpErrorDetail = Record<string, unknown> & { '@type': string };

/** An error a contract server answers with, in the API's own wire shape. */
export class GcpContractError extends Error {
  constructor(
    readonly code: GcpCode,
    message: string,
    readonly details: GcpErrorDetail[] = [],
  ) {
    super(message);
  }
}

/**
 * A fault that answers nothing: the server closes the connection (REST: the
 * TCP socket; gRPC: the HTTP/2 session), as a crashed proxy does. Clients see
 * ECONNRESET / "socket hang up" (REST) or UNAVAILABLE (gRPC).
 */
export class DroppedConnection extends GcpContractError {
  constructor() {
    super('UNAVAILABLE', 'connection dropped by the contract server');
  }
}

/**
 * A fault that never answers: the server keeps the call open (REST: the
 * request, gRPC: the stream) and sends nothing, as a stuck front end does.
 * Only the client's own deadline ends it; clearing the faults or stopping the
 * server closes what is still open.
 */
export class HungCall extends GcpContractError {
  constructor() {
    super('DEADLINE_EXCEEDED', 'the contract server never answers this call');
  }
}

/** The message and ErrorInfo Google returns when an API is not enabled. */
export function serviceDisabledError(
  service: string,
  project: string,
): GcpContractError {
  return new GcpContractError(
    'PERMISSION_DENIED',
    `${service} has not been used in project ${project} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${service}/overview?project=${project} then retry.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'SERVICE_DISABLED',
        domain: 'googleapis.com',
        metadata: { service, consumer: `projects/${project}` },
      },
    ],
  );
}

/** The message Google returns when the caller lacks an IAM permission. */
export function permissionDeniedError(
  permission: string,
  resource: string,
): GcpContractError {
  return new GcpContractError(
    'PERMISSION_DENIED',
    `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'iam.googleapis.com',
        metadata: { permission },
      },
    ],
  );
}

/** The message Google returns when a quota is exhausted. */
export function quotaExceededError(
  metric: string,
  limit: number,
  region: string,
): GcpContractError {
  return new GcpContractError(
    'RESOURCE_EXHAUSTED',
    `Quota '${metric}' exceeded. Limit: ${limit} in region ${region}.`,
    [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            subject: `region:${region}`,
            description: `Quota '${metric}' exceeded. Limit: ${limit}`,
          },
        ],
      },
    ],
  );
}

/** A fault to inject: the next `times` calls matching `rpc` fail with `error`. */
export type GcpFault = {
  /** RPC name as counted (e.g. `container.CreateCluster`), a pattern, or `*`. */
  rpc: string | RegExp;
  /** How many matching calls fail; defaults to 1. */
  times?: number;
  /**
   * The failure; a code alone gives a generic message, `DROP` closes the
   * connection without an answer ({@link DroppedConnection}), `HANG` never
   * answers ({@link HungCall}).
   */
  error: GcpContractError | GcpCode | 'DROP' | 'HANG';
};

/** Per-RPC call counter plus fault injection, shared by every contract server. */
export class GcpCallLog {
  private readonly counts = new Map<string, number>();
  private readonly faults: Array<
    Required<Omit<GcpFault, 'error'>> & { error: GcpContractError }
  > = [];
  private readonly hung = new Set<() => void>();

  /** Records a call and throws the injected fault if one matches. */
  enter(rpc: string): void {
    this.counts.set(rpc, (this.counts.get(rpc) ?? 0) + 1);
    const matches = (f: { rpc: string | RegExp }) => {
      if (f.rpc === '*') return true;
      return typeof f.rpc === 'string' ? f.rpc === rpc : f.rpc.test(rpc);
    };
    const index = this.faults.findIndex(matches);
    if (index < 0) return;
    const fault = this.faults[index];
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    throw fault.error;
  }

  /** Makes the next matching calls fail. */
  inject(fault: GcpFault): void {
    let error: GcpContractError;
    if (fault.error === 'DROP') error = new DroppedConnection();
    else if (fault.error === 'HANG') error = new HungCall();
    else if (typeof fault.error === 'string')
      error = new GcpContractError(fault.error, `injected ${fault.error}`);
    else error = fault.error;
    this.faults.push({ rpc: fault.rpc, times: fault.times ?? 1, error });
  }

  /**
   * Keeps a hung call: `close` ends it (closes its connection or stream)
   * when the faults are cleared or the server stops.
   */
  hold(close: () => void): () => void {
    this.hung.add(close);
    return () => this.hung.delete(close);
  }

  /** Calls hung right now (not yet given up by their client or closed). */
  get hungCalls(): number {
    return this.hung.size;
  }

  /** Closes every hung call, as a restarted front end drops its connections. */
  releaseHung(): void {
    const open = [...this.hung];
    this.hung.clear();
    open.forEach(close => close());
  }

  /** Removes every pending fault and closes the calls still hung. */
  clearFaults(): void {
    this.faults.length = 0;
    this.releaseHung();
  }

  /** Calls per RPC since the last reset. */
  byRpc(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort());
  }

  /** Calls of one RPC, or of every RPC matching a pattern. */
  count(rpc?: string | RegExp): number {
    let total = 0;
    for (const [name, n] of this.counts) {
      if (
        rpc === undefined ||
        (typeof rpc === 'string' ? name === rpc : rpc.test(name))
      )
        total += n;
    }
    return total;
  }

  /** Names of the mutating calls made (anything that is not a read). */
  mutations(): string[] {
    return Object.keys(this.byRpc()).filter(
      rpc =>
        !/\.(Get|List|BatchGet|get|list|aggregatedList|GetIamPolicy|getIamPolicy|GetServerConfig|GetOperation)[A-Za-z]*$/.test(
          rpc,
        ),
    );
  }

  /** Clears the counters (not the faults). */
  reset(): void {
    this.counts.clear();
  }
}

/** A long-running operation that completes after a number of polls. */
export type PendingOperation = {
  name: string;
  pollsLeft: number;
  done: boolean;
  error?: GcpContractError;
  /** Applied once, when the operation completes. */
  complete?: () => void;
};

/** Keeps long-running operations; each poll brings them closer to done. */
export class OperationStore {
  private readonly ops = new Map<string, PendingOperation>();
  private seq = 0;

  constructor(private readonly pollsToComplete: () => number) {}

  /** Starts an operation; `complete` runs when it is done. */
  start(prefix: string, complete?: () => void): PendingOperation {
    this.seq += 1;
    const op: PendingOperation = {
      name: `${prefix}operation-${Date.now()}-${this.seq}`,
      pollsLeft: this.pollsToComplete(),
      done: false,
      complete,
    };
    this.ops.set(op.name, op);
    if (op.pollsLeft <= 0) this.finish(op);
    return op;
  }

  /** Returns the operation without polling it. */
  get(name: string): PendingOperation | undefined {
    return this.ops.get(name);
  }

  /** Returns the operation after one more poll. */
  poll(name: string): PendingOperation | undefined {
    const op = this.ops.get(name);
    if (!op || op.done) return op;
    op.pollsLeft -= 1;
    if (op.pollsLeft <= 0) this.finish(op);
    return op;
  }

  private finish(op: PendingOperation) {
    op.done = true;
    try {
      op.complete?.();
    } catch (e) {
      op.error =
        e instanceof GcpContractError
          ? e
          : new GcpContractError('INTERNAL', String(e));
    }
  }
}
