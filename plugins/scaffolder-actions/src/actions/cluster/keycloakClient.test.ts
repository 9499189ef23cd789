import { ConfigReader } from '@backstage/config';
import { createKeycloakClientAction, desiredMappers } from './keycloakClient';
import { mockContext } from './__testUtils__/context';
import { startFakeKeycloak } from './__testUtils__/fakeKeycloak';

describe('keycloak:client', () => {
  let keycloak: Awaited<ReturnType<typeof startFakeKeycloak>>;
  const action = createKeycloakClientAction({
    config: new ConfigReader({
      coderPlatform: {
        clusterActions: {
          clusters: [{ name: 'dev', url: 'https://127.0.0.1:1', token: 't' }],
        },
      },
    }),
  });
  const secrets = { keycloakAdminPassword: 'admin-pw' };
  const input = (baseUrl: string) => ({
    keycloak: { baseUrl },
    realm: 'example-com',
    clientId: 'auth',
    rootUrl: 'https://auth.dev.example.com/',
    cluster: { name: 'dev' },
    secret: { name: 'auth-oidc', namespace: 'oauth2-proxy' },
  });

  beforeEach(async () => {
    keycloak = await startFakeKeycloak({
      clients: [
        { id: 'a', clientId: 'auth' },
        { id: 'b', clientId: 'auth' },
      ],
    });
  });
  afterEach(() => keycloak.stop());

  it('builds the seed mappers of the auth client', () => {
    expect(desiredMappers('auth', true, true)).toEqual([
      expect.objectContaining({
        name: 'audience',
        protocolMapper: 'oidc-audience-mapper',
        config: expect.objectContaining({
          'included.client.audience': 'auth',
          'included.custom.audience': 'auth',
          'access.token.claim': 'true',
        }),
      }),
      expect.objectContaining({
        name: 'groups',
        protocolMapper: 'oidc-group-membership-mapper',
        config: expect.objectContaining({
          'full.path': 'true',
          'claim.name': 'groups',
        }),
      }),
    ]);
    expect(desiredMappers('coder', true, false).map(m => m.name)).toEqual([
      'audience',
    ]);
  });

  it('refuses an ambiguous client id', async () => {
    await expect(
      action.handler(mockContext(input(keycloak.url), { secrets })),
    ).rejects.toThrow(
      '2 clients named "auth" in realm "example-com"; expected at most one',
    );
    expect(keycloak.mutations()).toEqual([]);
  });

  it('dry run plans a new client without writing', async () => {
    await keycloak.stop();
    keycloak = await startFakeKeycloak({ clients: [] });
    const ctx = mockContext(input(keycloak.url), { secrets, isDryRun: true });
    await action.handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create client "auth" in realm "example-com" and write its secret to oauth2-proxy/auth-oidc',
    );
    expect(keycloak.mutations()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
  });
});
