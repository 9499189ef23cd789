/**
 * The demo realm on the real Keycloak: seeded once with `seedKeycloakRealm`
 * (a few hundred users), then given what sign-in needs: a confidential
 * standard-flow client for the portal and a password for one user.
 */
import { seedKeycloakRealm } from '@coder-platform/testing';
import {
  KEYCLOAK_USERS,
  LOGIN_USER,
  REALM,
  SIGN_IN_CLIENT_ID,
} from './demoCluster';

export interface KeycloakPeer {
  baseUrl: string;
  adminUser: string;
  adminPassword: string;
}

export interface DemoRealmSecrets {
  /** Secret of the service-account client the backend reads users with. */
  clientSecret: string;
  /** Secret of the sign-in client. */
  signInClientSecret: string;
  /** Password of {@link LOGIN_USER}. */
  loginPassword: string;
}

async function adminFetch(
  peer: KeycloakPeer,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const tokenResponse = await fetch(
    `${peer.baseUrl}/realms/master/protocol/openid-connect/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'admin-cli',
        grant_type: 'password',
        username: peer.adminUser,
        password: peer.adminPassword,
      }),
    },
  );
  if (!tokenResponse.ok) {
    throw new Error(
      `keycloak: admin login at ${peer.baseUrl} failed with HTTP ${tokenResponse.status}`,
    );
  }
  const { access_token } = (await tokenResponse.json()) as {
    access_token: string;
  };
  return fetch(`${peer.baseUrl}/admin/realms${path}`, {
    method,
    headers: {
      authorization: `Bearer ${access_token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function ok(response: Promise<Response>, what: string) {
  const r = await response;
  if (!r.ok) {
    throw new Error(
      `keycloak: ${what} failed with HTTP ${r.status}: ${await r.text()}`,
    );
  }
  return r;
}

/** True when the realm exists and its sign-in client is there (a complete earlier seed). */
export async function demoRealmExists(peer: KeycloakPeer): Promise<boolean> {
  const response = await adminFetch(
    peer,
    'GET',
    `/${REALM}/clients?clientId=${SIGN_IN_CLIENT_ID}`,
  );
  if (response.status === 404) return false;
  if (!response.ok) {
    throw new Error(
      `keycloak: reading realm ${REALM} failed with HTTP ${response.status}`,
    );
  }
  return ((await response.json()) as unknown[]).length === 1;
}

/**
 * Creates the realm from scratch (users, groups, the backend's
 * service-account client), then the sign-in client and the login password.
 * Returns the realm's regular-user total.
 */
export async function seedDemoRealm(options: {
  peer: KeycloakPeer;
  secrets: DemoRealmSecrets;
  /** The portal's backend base URL, for the redirect URI. */
  backendBaseUrl: string;
  /** The portal's frontend base URL, for web origins and logout. */
  appBaseUrl: string;
}): Promise<{ total: number }> {
  const { peer, secrets } = options;
  const seeded = await seedKeycloakRealm({
    baseUrl: peer.baseUrl,
    adminUser: peer.adminUser,
    adminPassword: peer.adminPassword,
    realm: REALM,
    users: KEYCLOAK_USERS,
    clientId: 'backstage',
    clientSecret: secrets.clientSecret,
  });
  await ok(
    adminFetch(peer, 'POST', `/${REALM}/clients`, {
      clientId: SIGN_IN_CLIENT_ID,
      name: 'Backstage portal sign-in',
      secret: secrets.signInClientSecret,
      publicClient: false,
      standardFlowEnabled: true,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: false,
      redirectUris: [`${options.backendBaseUrl}/api/auth/oidc/handler/frame`],
      webOrigins: [options.appBaseUrl],
      attributes: { 'post.logout.redirect.uris': `${options.appBaseUrl}/*` },
    }),
    `creating client ${SIGN_IN_CLIENT_ID}`,
  );
  const users = (await (
    await ok(
      adminFetch(
        peer,
        'GET',
        `/${REALM}/users?username=${LOGIN_USER}&exact=true`,
      ),
      `finding ${LOGIN_USER}`,
    )
  ).json()) as { id: string }[];
  if (users.length !== 1) {
    throw new Error(`keycloak: user ${LOGIN_USER} was not seeded in ${REALM}`);
  }
  await ok(
    adminFetch(peer, 'PUT', `/${REALM}/users/${users[0].id}/reset-password`, {
      type: 'password',
      value: secrets.loginPassword,
      temporary: false,
    }),
    `setting the password of ${LOGIN_USER}`,
  );
  return { total: seeded.expected.total };
}
