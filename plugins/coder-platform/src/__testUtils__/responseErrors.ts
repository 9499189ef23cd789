import { ResponseError } from '@backstage/errors';

/**
 * Builds the `ResponseError` the API client throws for a backend error
 * response, from the JSON body Backstage's error handler sends.
 */
export function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        request: { method: 'GET', url: '/api/coder-platform/clusters' },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: String(status),
        headers: { 'content-type': 'application/json' },
      },
    ),
  );
}

/** The backend's 404 when a cluster does not configure what a route reads. */
export function notConfiguredError(cluster: string, key: string) {
  return responseError(
    404,
    'NotFoundError',
    `Cluster ${cluster} has no ${key} configured (coderPlatform.clusters[].${key})`,
  );
}

/** The backend's 403 when a permission is missing. */
export function permissionDeniedError(permission: string) {
  return responseError(
    403,
    'NotAllowedError',
    `Missing permission ${permission}`,
  );
}

/** The backend's 503 when an upstream failed and nothing is cached. */
export function upstreamUnavailableError(upstream: string, cluster: string) {
  return responseError(
    503,
    'ServiceUnavailableError',
    `${upstream} of cluster ${cluster} is unavailable and nothing is cached: connect ECONNREFUSED 10.0.0.12:443`,
  );
}
