import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { randomBytes } from 'node:crypto';
import { requirePeer } from './peersEnv';

/** The real Keycloak server distribution from `yarn peers up keycloak`. */
describe('keycloak peer', () => {
  const peer = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  const realm = `peers-check-${randomBytes(3).toString('hex')}`;
  const admin = new KeycloakAdminClient({
    baseUrl: peer.PEERS_KEYCLOAK_URL,
    realmName: 'master',
  });

  beforeAll(async () => {
    await admin.auth({
      grantType: 'password',
      clientId: 'admin-cli',
      username: peer.PEERS_KEYCLOAK_ADMIN_USER,
      password: peer.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    });
  });

  afterAll(async () => {
    await admin.realms.del({ realm }).catch(() => {});
  });

  it('creates a realm, a confidential client and a user', async () => {
    await admin.realms.create({
      realm,
      enabled: true,
      registrationAllowed: true,
      registrationEmailAsUsername: true,
      verifyEmail: true,
    });

    const { id: clientUuid } = await admin.clients.create({
      realm,
      clientId: 'coder',
      protocol: 'openid-connect',
      publicClient: false,
      serviceAccountsEnabled: true,
      redirectUris: ['https://coder.example.com/api/v2/users/oidc/callback'],
    });
    const secret = await admin.clients.getClientSecret({
      realm,
      id: clientUuid,
    });
    expect(secret.value).toMatch(/^\S{16,}$/);

    await admin.users.create({
      realm,
      username: 'dev@example.com',
      email: 'dev@example.com',
      enabled: true,
      emailVerified: false,
      requiredActions: ['VERIFY_EMAIL'],
    });
    const users = await admin.users.find({ realm, briefRepresentation: true });
    expect(users).toEqual([
      expect.objectContaining({
        username: 'dev@example.com',
        emailVerified: false,
        enabled: true,
      }),
    ]);

    // The confidential client can authenticate with its secret.
    const asClient = new KeycloakAdminClient({
      baseUrl: peer.PEERS_KEYCLOAK_URL,
      realmName: realm,
    });
    await asClient.auth({
      grantType: 'client_credentials',
      clientId: 'coder',
      clientSecret: secret.value!,
    });
    expect(asClient.accessToken).toBeTruthy();
  });
});
