import { startRecordingServer } from './recordingServer';

/**
 * A stand-in Keycloak at the HTTP boundary: the token endpoint of any realm
 * accepts the password `admin-pw`; realm and client reads answer from `state`.
 * `keycloakBlock(url)` is the `keycloak` block of a cluster naming it.
 */
export async function startFakeKeycloak(
  state: {
    realms?: Record<string, unknown>;
    clients?: unknown[];
    /** Answers POST /admin/realms (e.g. a 409 when another run won the race). */
    createRealm?: () => { status: number; body: unknown };
    /** Answers PUT /admin/realms/<realm>. */
    updateRealm?: (realm: string) => { status: number; body: unknown };
  } = {},
) {
  const server = await startRecordingServer(req => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (/^\/admin\/realms\/?$/.test(url.pathname) && req.method === 'POST') {
      return state.createRealm?.() ?? { status: 201, body: {} };
    }
    const put = /^\/admin\/realms\/([^/]+)$/.exec(url.pathname);
    if (put && req.method === 'PUT') {
      return state.updateRealm?.(put[1]) ?? { status: 204, body: {} };
    }
    if (
      /^\/realms\/[^/]+\/protocol\/openid-connect\/token$/.test(url.pathname)
    ) {
      return {
        status: 200,
        body: {
          access_token: 'fake-access-token',
          expires_in: 300,
          refresh_token: 'fake-refresh',
          token_type: 'Bearer',
        },
      };
    }
    const realm = /^\/admin\/realms\/([^/]+)$/.exec(url.pathname);
    if (realm && req.method === 'GET') {
      const found = state.realms?.[realm[1]];
      return found
        ? { status: 200, body: found }
        : { status: 404, body: { error: 'Realm not found.' } };
    }
    if (
      /^\/admin\/realms\/[^/]+\/clients\/?$/.test(url.pathname) &&
      req.method === 'GET'
    ) {
      return { status: 200, body: state.clients ?? [] };
    }
    return undefined;
  });
  return {
    ...server,
    /** Requests other than reads and the login. */
    mutations: () =>
      server.requests.filter(
        r =>
          r.method !== 'GET' &&
          !r.path.includes('/protocol/openid-connect/token'),
      ),
  };
}

/** The `keycloak` block of a `coderPlatform.clusters[]` entry administering a fake at `baseUrl`. */
export const fakeKeycloakBlock = (baseUrl: string) => ({
  baseUrl,
  admin: { username: 'admin', password: 'admin-pw' },
});
