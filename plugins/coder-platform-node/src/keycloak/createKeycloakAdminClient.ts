import KeycloakAdminClient from '@keycloak/keycloak-admin-client';

/** A confidential client with service-account roles on the realm it reads. */
export interface KeycloakAccess {
  /** Keycloak base URL, e.g. `https://auth.example.com` (no `/realms/...`). */
  baseUrl: string;
  /** Realm whose users and clients are read or managed. */
  realm: string;
  /** Realm the client authenticates in; defaults to `realm`. */
  loginRealm?: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Creates the official admin client, authenticated with the client-credentials
 * grant. The secret only travels to Keycloak's token endpoint.
 */
export async function createKeycloakAdminClient(
  access: KeycloakAccess,
): Promise<KeycloakAdminClient> {
  const baseUrl = access.baseUrl.replace(/\/+$/, '');
  const client = new KeycloakAdminClient({
    baseUrl,
    realmName: access.loginRealm ?? access.realm,
  });
  try {
    await client.auth({
      grantType: 'client_credentials',
      clientId: access.clientId,
      clientSecret: access.clientSecret,
    });
  } catch (error) {
    // The admin client's error may quote the request; report only what an
    // operator needs, never the secret.
    const status = (error as { response?: { status?: number } }).response
      ?.status;
    throw new Error(
      `Keycloak at ${baseUrl} refused client "${access.clientId}" in realm "${
        access.loginRealm ?? access.realm
      }"${
        status ? ` (HTTP ${status})` : ''
      }: check keycloak.clientId, keycloak.clientSecret and that the client has service accounts enabled`,
    );
  }
  client.setConfig({ realmName: access.realm });
  return client;
}
