import { LoggerService } from '@backstage/backend-plugin-api';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import {
  abortable as abortableOrAbort,
  retryWithBackoff,
  sleep as sleepOrAbort,
} from '../backoff';

/** Bounded exponential backoff. */
export type RetrySettings = {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time (with jitter). */
  initialDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
};

/** gRPC status codes used below (google.rpc.Code). */
export const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const HTTP_TO_GRPC: Record<number, number> = {
  400: Code.INVALID_ARGUMENT,
  401: Code.UNAUTHENTICATED,
  403: Code.PERMISSION_DENIED,
  404: Code.NOT_FOUND,
  409: Code.ALREADY_EXISTS,
  412: Code.FAILED_PRECONDITION,
  429: Code.RESOURCE_EXHAUSTED,
  499: Code.CANCELLED,
  500: Code.INTERNAL,
  501: Code.UNIMPLEMENTED,
  502: Code.UNAVAILABLE,
  503: Code.UNAVAILABLE,
  504: Code.DEADLINE_EXCEEDED,
};

const NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/** What the different Google client libraries put on their errors, normalised. */
export type GoogleErrorInfo = {
  /** Canonical gRPC code, if known. */
  code?: number;
  /** HTTP status, if the call was REST. */
  httpStatus?: number;
  /** The API's message. */
  message: string;
  /** ErrorInfo / error reasons found on the error (e.g. SERVICE_DISABLED). */
  reasons: string[];
  /** A network-level failure (no answer at all). */
  network: boolean;
};

/**
 * Reads gax errors (`code` = gRPC code), gaxios errors (`status`,
 * `response.status`) and @google-cloud/common ApiErrors (`code` = HTTP status).
 */
export function googleErrorInfo(error: unknown): GoogleErrorInfo {
  const e = (error ?? {}) as Record<string, any>;
  const message = String(
    (typeof e.details === 'string' && e.details) || e.message || e,
  );
  const reasons: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === 'string' && value) reasons.push(value);
  };
  collect(e.reason);
  for (const d of [
    ...(e.errorInfoMetadata ? [e] : []),
    ...(Array.isArray(e.statusDetails) ? e.statusDetails : []),
  ])
    collect(d?.reason);
  for (const d of Array.isArray(e.errors) ? e.errors : []) collect(d?.reason);
  const body = e.response?.data?.error ?? e.response?.body?.error;
  for (const d of Array.isArray(body?.details) ? body.details : [])
    collect(d?.reason);
  for (const d of Array.isArray(body?.errors) ? body.errors : [])
    collect(d?.reason);

  let httpStatus: number | undefined;
  let code: number | undefined;
  if (typeof e.status === 'number') httpStatus = e.status;
  else if (typeof e.response?.status === 'number')
    httpStatus = e.response.status;
  else if (typeof e.response?.statusCode === 'number')
    httpStatus = e.response.statusCode;
  if (typeof e.code === 'number') {
    if (e.code >= 100) httpStatus = e.code;
    else code = e.code;
  }
  // A client's own request timeout: gaxios (TimeoutError, maybe as the
  // cause), teeny-request (`request-timeout`, ETIMEDOUT).
  if (
    code === undefined &&
    (e.name === 'TimeoutError' ||
      e.cause?.name === 'TimeoutError' ||
      e.type === 'request-timeout' ||
      e.code === 'ETIMEDOUT')
  )
    code = Code.DEADLINE_EXCEEDED;
  if (code === undefined && httpStatus !== undefined)
    code =
      HTTP_TO_GRPC[httpStatus] ??
      (httpStatus >= 500 ? Code.UNAVAILABLE : undefined);
  if (
    code === Code.ALREADY_EXISTS &&
    /concurrent|etag|fingerprint/i.test(message)
  )
    code = Code.ABORTED;
  const network = typeof e.code === 'string' && NETWORK_ERRORS.has(e.code);
  return { code, httpStatus, message, reasons, network };
}

/** Quota errors are RESOURCE_EXHAUSTED too, but waiting a few seconds does not fix them. */
export function isQuotaError(info: GoogleErrorInfo): boolean {
  return (
    info.code === Code.RESOURCE_EXHAUSTED &&
    /quota/i.test(info.message) &&
    !/rate/i.test(info.message)
  );
}

/** 429 / rate limits, 5xx, gRPC UNAVAILABLE / DEADLINE_EXCEEDED, and dropped connections. */
export function isTransient(error: unknown): boolean {
  const info = googleErrorInfo(error);
  if (info.network) return true;
  if (
    info.httpStatus !== undefined &&
    (info.httpStatus === 429 || info.httpStatus >= 500)
  )
    return !isQuotaError(info);
  switch (info.code) {
    case Code.UNAVAILABLE:
    case Code.DEADLINE_EXCEEDED:
    case Code.INTERNAL:
      return true;
    case Code.RESOURCE_EXHAUSTED:
      return !isQuotaError(info);
    default:
      return false;
  }
}

/** The error thrown when `signal` aborts a wait. */
export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The task was cancelled while waiting for GCP');
  error.name = 'AbortError';
  return error;
}

/**
 * A call that got no answer within its time budget
 * (`coderPlatform.gcp.callTimeoutSeconds`): DEADLINE_EXCEEDED, so transient.
 */
export class CallTimeoutError extends Error {
  readonly code = Code.DEADLINE_EXCEEDED;

  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = 'CallTimeoutError';
  }
}

/**
 * Resolves like `promise`, or rejects with a {@link CallTimeoutError} once
 * `timeoutMs` pass without an answer. The gax and googleapis clients are
 * given the same timeout and cancel their request themselves; Cloud DNS and
 * Cloud Storage send through teeny-request and node-fetch 3, which ignore
 * their `timeout` option outside jest, so this is the only bound there (and
 * it also covers Cloud DNS re-sending a request that got no answer).
 */
export function withDeadline<T>(
  promise: Promise<T>,
  timeoutMs: number | undefined,
): Promise<T> {
  if (!timeoutMs) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CallTimeoutError(timeoutMs)),
      timeoutMs,
    );
    promise.then(
      value => {
        clearTimeout(timer);
        resolve(value);
      },
      error => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Sleeps, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepOrAbort(ms, signal, abortError);
}

/** Resolves like `promise`, or rejects as soon as `signal` aborts. */
export function abortable<T>(
  promise: Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return abortableOrAbort(promise, signal, abortError);
}

/**
 * Runs `fn`, retrying transient failures with bounded exponential backoff
 * (full jitter). Stops at once when `signal` aborts. The retry warnings carry
 * the upstream's message through the one `redact` (with `secrets`), never raw.
 * Only for idempotent calls.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  options: RetrySettings & {
    what: string;
    signal?: AbortSignal;
    logger?: LoggerService;
    secrets?: Iterable<string>;
    /** Deadline of each attempt; a call still unanswered then is retried. */
    callTimeoutMs?: number;
  },
): Promise<T> {
  return retryWithBackoff(() => withDeadline(fn(), options.callTimeoutMs), {
    maxAttempts: options.maxAttempts,
    retryable: isTransient,
    signal: options.signal,
    abortError,
    delayMs: attempt => {
      const ceiling = Math.min(
        options.maxDelayMs,
        options.initialDelayMs * 2 ** (attempt - 1),
      );
      return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    },
    onRetry: (error, attempt, delay) =>
      options.logger?.warn(
        `${options.what}: transient error (${redact(
          googleErrorInfo(error).message.split('\n')[0],
          options.secrets,
        )}); retry ${attempt}/${options.maxAttempts - 1} in ${delay} ms`,
      ),
  });
}
