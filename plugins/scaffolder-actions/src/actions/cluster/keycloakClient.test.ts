import { ConfigReader } from '@backstage/config';
import { createKeycloakClientAction, desiredMappers } from './keycloakClient';
import { mockContext } from './__testUtils__/context';
import {
  fakeKeycloakBlock,
  startFakeKeycloak,
} from './__testUtils__/fakeKeycloak';

describe('keycloak:client', () => {
  let keycloak: Awaited<ReturnType<typeof startFakeKeycloak>>;
  const actionFor = (baseUrl: string) =>
    createKeycloakClientAction({
      config: new ConfigReader({
        coderPlatform: {
          clusters: [
            {
              name: 'dev',
              kubernetes: {
                url: 'https://127.0.0.1:1',
                auth: { type: 'token', token: 't' },
              },
              keycloak: fakeKeycloakBlock(baseUrl),
            },
          ],
        },
      }),
    });
  const secrets = {};
  const input = (_baseUrl: string) => ({
    realm: 'example-com',
    clientId: 'auth',
    rootUrl: 'https://auth.dev.example.com/',
    cluster: 'dev',
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
      actionFor(keycloak.url).handler(
        mockContext(input(keycloak.url), { secrets }),
      ),
    ).rejects.toThrow(
      '2 clients named "auth" in realm "example-com"; expected at most one',
    );
    expect(keycloak.mutations()).toEqual([]);
  });

  it('dry run plans a new client without writing', async () => {
    await keycloak.stop();
    keycloak = await startFakeKeycloak({ clients: [] });
    const ctx = mockContext(input(keycloak.url), { secrets, isDryRun: true });
    await actionFor(keycloak.url).handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create client "auth" in realm "example-com" and write its secret to oauth2-proxy/auth-oidc',
    );
    expect(keycloak.mutations()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
  });

  it.each([
    ['http://app.example.com/*', 'http is only allowed for localhost'],
    ['/relative/*', 'is not an absolute URL'],
    [
      'https://app.example.com/*/callback',
      'a * wildcard is only allowed as the last character',
    ],
    [
      'https://app.example.com*',
      'a * wildcard must follow a / at the end of the path',
    ],
    ['*', 'is not an absolute URL'],
    ['ftp://files.example.com/cb', 'scheme ftp: is not allowed'],
    ['https://user:pw@app.example.com/cb', 'must not carry credentials'],
    ['https://app.example.com/cb#frag', 'must not have a fragment'],
  ])('refuses redirect URI %j naming redirectUris[1]', async (uri, problem) => {
    const ctx = mockContext({
      ...input(keycloak.url),
      redirectUris: ['https://auth.dev.example.com/oauth2/callback', uri],
    });
    await expect(actionFor(keycloak.url).handler(ctx)).rejects.toThrow(
      `redirectUris[1] "${uri}": ${problem}`,
    );
    expect(keycloak.requests).toEqual([]);
  });

  it.each([
    'https://auth.dev.example.com/oauth2/callback',
    'https://auth.dev.example.com/*',
    'http://localhost:3000/*',
    'http://127.0.0.1:8080/callback',
  ])('accepts redirect URI %j', async uri => {
    await keycloak.stop();
    keycloak = await startFakeKeycloak({ clients: [] });
    const ctx = mockContext(
      { ...input(keycloak.url), redirectUris: [uri] },
      { isDryRun: true },
    );
    await actionFor(keycloak.url).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('clientId', 'auth');
  });
});
