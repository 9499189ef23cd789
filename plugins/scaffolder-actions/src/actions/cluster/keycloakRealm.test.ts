import { ConfigReader } from '@backstage/config';
import { createKeycloakRealmAction } from './keycloakRealm';
import { mockContext } from './__testUtils__/context';
import { startFakeKeycloak } from './__testUtils__/fakeKeycloak';

describe('keycloak:realm', () => {
  let keycloak: Awaited<ReturnType<typeof startFakeKeycloak>>;
  const action = createKeycloakRealmAction({
    config: new ConfigReader({
      coderPlatform: { clusters: [{ name: 'nokc' }] },
    }),
  });
  const secrets = { keycloakAdminPassword: 'admin-pw' };

  beforeEach(async () => {
    keycloak = await startFakeKeycloak({
      realms: {
        existing: {
          realm: 'existing',
          enabled: true,
          registrationAllowed: true,
          registrationEmailAsUsername: true,
          editUsernameAllowed: true,
          resetPasswordAllowed: true,
          rememberMe: true,
          verifyEmail: true,
          bruteForceProtected: true,
          ssoSessionIdleTimeout: 43200,
          ssoSessionIdleTimeoutRememberMe: 864000,
          ssoSessionMaxLifespan: 43200,
          ssoSessionMaxLifespanRememberMe: 864000,
        },
      },
    });
  });
  afterEach(() => keycloak.stop());

  it.each([
    [{ realm: 'r' }, {}, 'keycloak: give keycloak.baseUrl'],
    [
      { realm: 'r', keycloak: { baseUrl: 'http://x' } },
      {},
      'the task secret "keycloakAdminPassword"',
    ],
    [
      {
        realm: 'r',
        keycloak: { baseUrl: 'http://x', adminPasswordSecret: 'kcpw' },
      },
      { keycloakAdminPassword: 'x' },
      'the task secret "kcpw"',
    ],
    [
      { realm: 'r', keycloak: { name: 'nokc' } },
      {},
      'keycloak.name "nokc" has no keycloak block',
    ],
    [
      {
        realm: 'r',
        keycloak: { baseUrl: 'http://x' },
        smtp: { host: 'h', port: 25, from: 'a@b.c', user: 'u' },
      },
      { keycloakAdminPassword: 'x' },
      'smtp.user is set but the task secret "smtpPassword"',
    ],
  ])('rejects %j naming the field', async (input, taskSecrets, message) => {
    await expect(
      action.handler(mockContext(input, { secrets: taskSecrets })),
    ).rejects.toThrow(message);
  });

  it('dry run plans a new realm without writing', async () => {
    const ctx = mockContext(
      { keycloak: { baseUrl: keycloak.url }, realm: 'fresh' },
      { isDryRun: true, secrets },
    );
    await action.handler(ctx);
    expect(keycloak.mutations()).toEqual([]);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create realm "fresh"',
    );
    expect(ctx.checkpoint).not.toHaveBeenCalled();
  });

  it('dry run names the settings it would change', async () => {
    const ctx = mockContext(
      {
        keycloak: { baseUrl: keycloak.url },
        realm: 'existing',
        verifyEmail: false,
      },
      { isDryRun: true, secrets },
    );
    await action.handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would update realm "existing": verifyEmail',
    );
    expect(keycloak.mutations()).toEqual([]);
  });

  it('does nothing when the realm already matches', async () => {
    const ctx = mockContext(
      { keycloak: { baseUrl: keycloak.url }, realm: 'existing' },
      { secrets },
    );
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
    expect(keycloak.mutations()).toEqual([]);
  });
});
