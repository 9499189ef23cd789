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
    const status = (error as { response?: { status?: number } }).response
      ?.status;
    throw new Error(
      `Keycloak at ${baseUrl} refused admin "${
        access.username
      }" in realm "${loginRealm}"${
        status ? ` (HTTP ${status})` : `: ${(error as Error).message}`
      }: check the Keycloak URL, admin user and admin password`,
    );
  }
  return client;
}
