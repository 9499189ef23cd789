import { ConfigReader } from '@backstage/config';
import { createKeycloakRealmAction } from './keycloakRealm';
import { loggedText, mockContext } from './__testUtils__/context';
import {
  fakeKeycloakBlock,
  startFakeKeycloak,
} from './__testUtils__/fakeKeycloak';
import {
  SMTP_PASSWORD_ATTRIBUTE,
  smtpPasswordDigest,
  smtpPasswordMatches,
} from './smtpPasswordDigest';

const SEEDED = {
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
};

const SMTP = {
  host: 'smtp.example.com',
  port: 587,
  from: 'no-reply@example.com',
  user: 'mailer',
};
const smtpServer = {
  host: 'smtp.example.com',
  port: '587',
  from: 'no-reply@example.com',
  fromDisplayName: 'mail',
  replyToDisplayName: 'mail',
  starttls: 'true',
  ssl: 'false',
  auth: 'true',
  user: 'mailer',
};

describe('keycloak:realm', () => {
  let keycloak: Awaited<ReturnType<typeof startFakeKeycloak>>;
  let state: Parameters<typeof startFakeKeycloak>[0] & {
    realms: Record<string, any>;
  };
  const actionFor = (url: string) =>
    createKeycloakRealmAction({
      config: new ConfigReader({
        coderPlatform: {
          clusters: [
            { name: 'dev', keycloak: fakeKeycloakBlock(url) },
            { name: 'nokc' },
            {
              name: 'reader-only',
              keycloak: {
                baseUrl: url,
                realm: 'x',
                clientId: 'portal',
                clientSecret: 'portal-secret',
              },
            },
          ],
        },
      }),
    });

  beforeEach(async () => {
    state = { realms: { existing: { realm: 'existing', ...SEEDED } } };
    keycloak = await startFakeKeycloak(state);
  });
  afterEach(() => keycloak.stop());

  it.each([
    [{ realm: 'r' }, {}, 'cluster: give a cluster name'],
    [
      { realm: 'r', cluster: 'nokc' },
      {},
      'cluster "nokc" has no keycloak.admin',
    ],
    [
      { realm: 'r', cluster: 'reader-only' },
      {},
      'cluster "reader-only" has no keycloak.admin',
    ],
    [
      { realm: 'r', cluster: 'https://evil.example.com' },
      {},
      'endpoints and URLs are not accepted',
    ],
    [
      { realm: 'r', cluster: 'dev', smtp: SMTP },
      {},
      'smtp.user is set but the task secret "smtpPassword"',
    ],
  ])('rejects %j naming the field', async (input, taskSecrets, message) => {
    await expect(
      actionFor(keycloak.url).handler(
        mockContext(input, { secrets: taskSecrets }),
      ),
    ).rejects.toThrow(message);
    expect(keycloak.requests).toEqual([]);
  });

  it('dry run plans a new realm without writing', async () => {
    const ctx = mockContext(
      { cluster: 'dev', realm: 'fresh' },
      { isDryRun: true },
    );
    await actionFor(keycloak.url).handler(ctx);
    expect(keycloak.mutations()).toEqual([]);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create realm "fresh" in cluster "dev"',
    );
    expect(ctx.checkpoint).not.toHaveBeenCalled();
  });

  it('dry run names the settings it would change', async () => {
    const ctx = mockContext(
      { cluster: 'dev', realm: 'existing', verifyEmail: false },
      { isDryRun: true },
    );
    await actionFor(keycloak.url).handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would update realm "existing" in cluster "dev": verifyEmail',
    );
    expect(keycloak.mutations()).toEqual([]);
  });

  it.each([
    [
      'an admin user',
      { username: 'admin', password: 'admin-pw', loginRealm: 'ops' },
    ],
    [
      'an admin client',
      { clientId: 'realm-admin', clientSecret: 'admin-cs', loginRealm: 'ops' },
    ],
  ])(
    'logs %s in to the loginRealm of keycloak.admin in app-config, not master',
    async (_label, admin) => {
      const action = createKeycloakRealmAction({
        config: new ConfigReader({
          coderPlatform: {
            clusters: [
              { name: 'ops-login', keycloak: { baseUrl: keycloak.url, admin } },
            ],
          },
        }),
      });
      const ctx = mockContext({ cluster: 'ops-login', realm: 'existing' });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('changed', false);
      expect(
        keycloak.requests.filter(r => r.method === 'POST').map(r => r.path),
      ).toEqual(['/realms/ops/protocol/openid-connect/token']);
    },
  );

  it('does nothing when the realm already matches', async () => {
    const ctx = mockContext({ cluster: 'dev', realm: 'existing' });
    await actionFor(keycloak.url).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
    expect(keycloak.mutations()).toEqual([]);
  });

  it('treats a 409 from a racing run as "exists": reads the realm again and updates what differs', async () => {
    state.createRealm = () => {
      // The other run created it a moment ago, with verifyEmail off.
      state.realms.raced = { realm: 'raced', ...SEEDED, verifyEmail: false };
      return {
        status: 409,
        body: { errorMessage: 'Conflict detected. See logs for details' },
      };
    };
    const ctx = mockContext({ cluster: 'dev', realm: 'raced' });
    await actionFor(keycloak.url).handler(ctx);
    expect(keycloak.mutations().map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /admin/realms/',
      'PUT /admin/realms/raced',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('created', false);
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: expect.stringMatching(/^keycloak:realm:dev:raced:create:/),
      }),
    );
  });

  it('a 409 whose realm already matches changes nothing more', async () => {
    state.createRealm = () => {
      state.realms.raced = { realm: 'raced', ...SEEDED };
      return { status: 409, body: {} };
    };
    const ctx = mockContext({ cluster: 'dev', realm: 'raced' });
    await actionFor(keycloak.url).handler(ctx);
    expect(keycloak.mutations().map(r => r.method)).toEqual(['POST']);
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
  });

  it('writes a changed SMTP password, which Keycloak never returns, and keeps an unchanged one', async () => {
    state.realms.mail = {
      realm: 'mail',
      ...SEEDED,
      smtpServer: {
        ...smtpServer,
        fromDisplayName: 'mail',
        password: '**********',
      },
      attributes: {
        [SMTP_PASSWORD_ATTRIBUTE]: smtpPasswordDigest('old-password'),
      },
    };
    const input = { cluster: 'dev', realm: 'mail', smtp: SMTP };
    const same = mockContext(input, {
      secrets: { smtpPassword: 'old-password' },
    });
    await actionFor(keycloak.url).handler(same);
    expect(same.output).toHaveBeenCalledWith('changed', false);
    expect(keycloak.mutations()).toEqual([]);

    const changed = mockContext(input, {
      secrets: { smtpPassword: 'new-password' },
    });
    await actionFor(keycloak.url).handler(changed);
    expect(changed.output).toHaveBeenCalledWith('changed', true);
    expect(keycloak.mutations().map(r => `${r.method} ${r.path}`)).toEqual([
      'PUT /admin/realms/mail',
    ]);
    expect(changed.logger.info).toHaveBeenCalledWith(
      'updated realm "mail" in cluster "dev": smtpServer.password',
    );
    const put = JSON.parse(keycloak.mutations()[0].body!);
    expect(put.smtpServer.password).toBe('new-password');
    expect(
      smtpPasswordMatches(
        put.attributes[SMTP_PASSWORD_ATTRIBUTE],
        'new-password',
      ),
    ).toBe(true);
    expect(loggedText(changed)).not.toContain('new-password');
  });
});
