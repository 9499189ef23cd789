import KeycloakAdminClient from '@keycloak/keycloak-admin-client';

/** An administrator account (the bootstrap admin of the master realm). */
export interface KeycloakAdminPasswordAccess {
  /** Keycloak base URL, e.g. `https://keycloak.example.com` (no `/realms/...`). */
  baseUrl: string;
  /** Admin user name; `admin` in the seed. */
  username: string;
  password: string;
  /** Realm the admin logs in to; default `master`. */
  loginRealm?: string;
  /** Public client used for the password grant; default `admin-cli`. */
  clientId?: string;
}

/**
 * Creates the official admin client, logged in with an administrator's
 * password (the password grant through `admin-cli`, as the seed's Ansible
 * roles did). The password only travels to Keycloak's token endpoint.
 */
export async function createKeycloakAdminPasswordClient(
  access: KeycloakAdminPasswordAccess,
): Promise<KeycloakAdminClient> {
  const baseUrl = access.baseUrl.replace(/\/+$/, '');
  const loginRealm = access.loginRealm ?? 'master';
  const client = new KeycloakAdminClient({ baseUrl, realmName: loginRealm });
  try {
    await client.auth({
      grantType: 'password',
      clientId: access.clientId ?? 'admin-cli',
      username: access.username,
      password: access.password,
    });
  } catch (error) {
    // Never the upstream's own message: it may quote the request (password
    // grant form). The status, or the network error code, is what helps.
    const status = (error as { response?: { status?: number } }).response
      ?.status;
    const code = networkCode(error);
    throw new Error(
      status
        ? `Keycloak at ${baseUrl} refused admin "${access.username}" in realm "${loginRealm}" (HTTP ${status}): check the admin user and admin password`
        : `Keycloak at ${baseUrl} could not be reached to log in admin "${
            access.username
          }"${
            code ? ` (${code})` : ''
          }: check the Keycloak URL and that it is reachable from the backend`,
    );
  }
  return client;
}

/** `ECONNREFUSED`, `ENOTFOUND`, ...: fetch keeps it on the error's cause. */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined;
}
