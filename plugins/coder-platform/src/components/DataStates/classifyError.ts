/**
 * What a card or tab shows when a request to `/api/coder-platform` fails.
 * Every kind carries the backend's own message; none shows a raw status.
 */
export type ErrorState =
  | {
      /** 404 naming a config key: the cluster does not configure this view. */
      kind: 'not-configured';
      message: string;
      /** e.g. `coderPlatform.clusters[].keycloak`. */
      configKey?: string;
    }
  | {
      /** 403: the signed-in user lacks a permission. */
      kind: 'permission-denied';
      message: string;
      /** e.g. `coder-platform.keycloak.users.read`, when the backend names it. */
      permission?: string;
    }
  | {
      /** 502/503/504: the upstream (Coder, Keycloak, GCS, ...) failed and nothing is cached. */
      kind: 'upstream-error';
      message: string;
      status: number;
    }
  | {
      /** Anything else: a bad request, a network failure, an invalid annotation. */
      kind: 'error';
      message: string;
      status?: number;
      error: Error;
    };

const CONFIG_KEY = /\((coderPlatform\.[^\s)]+)\)/;
const PERMISSION = /Missing permission ([a-z0-9.-]+)/i;
const UPSTREAM_STATUSES = new Set([502, 503, 504]);

interface ErrorBodyLike {
  error?: { message?: unknown };
}

function statusOf(error: Error): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The backend's message: from the JSON error body when there is one. */
export function backendMessage(error: Error): string {
  const body = (error as { body?: ErrorBodyLike }).body;
  if (typeof body?.error?.message === 'string' && body.error.message) {
    return body.error.message;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (
    cause instanceof Error ||
    (typeof cause === 'object' &&
      cause !== null &&
      typeof (cause as { message?: unknown }).message === 'string')
  ) {
    const message = (cause as { message: string }).message;
    if (message) return message;
  }
  return error.message;
}

/**
 * Maps a failed request (a `ResponseError` from the API client, or any
 * error) to the state to show.
 */
export function classifyError(error: Error): ErrorState {
  const status = statusOf(error);
  const message = backendMessage(error);
  if (status === 403) {
    return {
      kind: 'permission-denied',
      message,
      permission: PERMISSION.exec(message)?.[1],
    };
  }
  if (status === 404) {
    const configKey = CONFIG_KEY.exec(message)?.[1];
    if (configKey) {
      return { kind: 'not-configured', message, configKey };
    }
  }
  if (status !== undefined && UPSTREAM_STATUSES.has(status)) {
    return { kind: 'upstream-error', message, status };
  }
  return { kind: 'error', message, status, error };
}
