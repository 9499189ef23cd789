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
  /** `signal` aborts the token request (the later requests are not bound to it). */
  options: { signal?: AbortSignal } = {},
): Promise<KeycloakAdminClient> {
  const baseUrl = access.baseUrl.replace(/\/+$/, '');
  const client = new KeycloakAdminClient({
    baseUrl,
    realmName: access.loginRealm ?? access.realm,
    // Reaches the token request's fetch; setConfig below drops it again.
    requestOptions: options.signal
      ? ({ signal: options.signal } as RequestInit)
      : undefined,
  });
  try {
    await client.auth({
      grantType: 'client_credentials',
      clientId: access.clientId,
      clientSecret: access.clientSecret,
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
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
