import { createKeycloakAdminPasswordClient } from '@coder-platform/plugin-coder-platform-node';
import { createKeycloakClientAction } from './keycloakClient';
import { createKeycloakRealmAction } from './keycloakRealm';
import { readSecretValue } from './kubernetes';
import {
  SMTP_PASSWORD_ATTRIBUTE,
  smtpPasswordMatches,
} from './smtpPasswordDigest';
import { loggedText, mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { keycloakPeer, kubePeer, uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('keycloak:realm and keycloak:client against the local Keycloak', () => {
  const keycloak = keycloakPeer();
  const kube = kubePeer();
  const options = {
    config: kube.config(
      {},
      {
        dev: { keycloak: keycloak.keycloak() },
        local: {
          keycloak: {
            ...keycloak.keycloak(),
            admin: { username: 'admin', password: 'wrong-pw-123' },
          },
        },
      },
    ),
  };
  const realmAction = createKeycloakRealmAction(options);
  const clientAction = createKeycloakClientAction(options);
  const api = kube.api();
  const inPeer = createdInPeer(api);
  const realm = uniqueName('realm');
  const admin = () =>
    createKeycloakAdminPasswordClient({
      baseUrl: keycloak.env.PEERS_KEYCLOAK_URL,
      username: keycloak.env.PEERS_KEYCLOAK_ADMIN_USER,
      password: keycloak.env.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    });

  const run = async (
    action: any,
    input: Record<string, unknown>,
    secrets = {},
  ) => {
    const ctx = mockContext(input, {
      secrets,
    });
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  afterAll(async () => {
    const kc = await admin();
    await kc.realms.del({ realm }).catch(() => undefined);
    await inPeer.remove();
  });

  it('creates the realm with the seed settings, updates it, and re-runs as a no-op', async () => {
    const input = {
      cluster: 'dev',
      realm,
      smtp: {
        host: 'smtp.example.com',
        port: 587,
        from: 'noreply@example.com',
        user: 'mailer',
      },
    };
    const smtpSecret = { smtpPassword: 'smtp-pa55-word' };
    const created = await run(realmAction, input, smtpSecret);
    expect(created.out).toEqual({ realm, created: true, changed: true });
    expect(loggedText(created.ctx)).not.toContain('smtp-pa55-word');

    const kc = await admin();
    const rep = (await kc.realms.findOne({ realm }))!;
    expect(rep).toMatchObject({
      registrationAllowed: true,
      registrationEmailAsUsername: true,
      verifyEmail: true,
      bruteForceProtected: true,
      ssoSessionIdleTimeout: 43200,
      ssoSessionMaxLifespanRememberMe: 864000,
    });
    expect(rep.smtpServer).toMatchObject({
      host: 'smtp.example.com',
      user: 'mailer',
      auth: 'true',
    });
    expect(rep.smtpServer?.password).not.toBe('smtp-pa55-word');

    const again = await run(realmAction, input, smtpSecret);
    expect(again.out).toEqual({ realm, created: false, changed: false });

    const updated = await run(
      realmAction,
      {
        ...input,
        verifyEmail: false,
        sessions: { ssoSessionIdleTimeout: 3600 },
      },
      smtpSecret,
    );
    expect(updated.out.changed).toBe(true);
    expect(updated.ctx.logger.info).toHaveBeenCalledWith(
      `updated realm "${realm}" in cluster "dev": verifyEmail, ssoSessionIdleTimeout`,
    );
    const after = (await kc.realms.findOne({ realm }))!;
    expect(after).toMatchObject({
      verifyEmail: false,
      ssoSessionIdleTimeout: 3600,
    });
  });

  it.each([
    ['coder', false],
    ['grafana', true],
    ['auth', true],
  ])(
    'creates client %s with its secret in the API server, then re-runs as a no-op',
    async (clientId, groups) => {
      const namespace = inPeer.namespace(`kc-${clientId}`);
      const input = {
        cluster: 'dev',
        realm,
        clientId,
        rootUrl: `https://${clientId}.dev.example.com`,
        groupsMapper: groups,

        secret: { name: `${clientId}-oidc`, namespace },
      };
      const created = await run(clientAction, input);
      expect(created.out).toMatchObject({
        clientId,
        created: true,
        changed: true,
        secretName: `${namespace}/${clientId}-oidc`,
      });

      const kc = await admin();
      const [client] = await kc.clients.find({ realm, clientId });
      const { value } = await kc.clients.getClientSecret({
        realm,
        id: client.id!,
      });
      expect(value).toBeTruthy();
      await expect(
        readSecretValue(
          api,
          { name: `${clientId}-oidc`, namespace },
          'client-secret',
        ),
      ).resolves.toBe(value);
      expect(JSON.stringify(created.out)).not.toContain(value!);
      expect(loggedText(created.ctx)).not.toContain(value!);
      expect(client).toMatchObject({
        publicClient: false,
        directAccessGrantsEnabled: true,
        redirectUris: [`https://${clientId}.dev.example.com/*`],
      });
      expect(client.protocolMappers!.map(m => m.name).sort()).toEqual(
        groups ? ['audience', 'groups'] : ['audience'],
      );

      const again = await run(clientAction, input);
      expect(again.out).toMatchObject({ created: false, changed: false });
    },
  );

  it('updates redirect URIs and mappers, and rewrites a rotated secret', async () => {
    const namespace = inPeer.namespace('kc-rotate');
    const input = {
      cluster: 'dev',
      realm,
      clientId: 'rotating',
      rootUrl: 'https://rotating.dev.example.com',
      groupsMapper: false,

      secret: { name: 'rotating-oidc', namespace, key: 'secret' },
    };
    await run(clientAction, input);
    const updated = await run(clientAction, {
      ...input,
      redirectUris: ['https://rotating.dev.example.com/callback'],
      groupsMapper: true,
    });
    expect(updated.out.changed).toBe(true);
    expect(updated.ctx.logger.info).toHaveBeenCalledWith(
      `updated client "rotating" in realm "${realm}": redirectUris`,
    );
    expect(updated.ctx.logger.info).toHaveBeenCalledWith(
      `added mapper groups of client "rotating" in realm "${realm}"`,
    );

    const kc = await admin();
    const [client] = await kc.clients.find({ realm, clientId: 'rotating' });
    const rotated = await kc.clients.generateNewClientSecret({
      realm,
      id: client.id!,
    });
    const synced = await run(clientAction, {
      ...input,
      redirectUris: ['https://rotating.dev.example.com/callback'],
      groupsMapper: true,
    });
    expect(synced.out.changed).toBe(true);
    await expect(
      readSecretValue(api, { name: 'rotating-oidc', namespace }, 'secret'),
    ).resolves.toBe(rotated.value);
  });

  it('names a wrong admin password without echoing it', async () => {
    const error = await run(realmAction, { cluster: 'local', realm }).catch(
      e => e,
    );
    expect(error.message).toMatch(
      /cluster "local": Keycloak login failed: .*refused admin "admin" in realm "master" \(HTTP 40[01]\)/,
    );
    expect(error.message).not.toContain('wrong-pw-123');
  });

  it('writes a changed SMTP password (Keycloak never returns it) and keeps an unchanged one', async () => {
    const mailRealm = uniqueName('mail');
    const input = {
      cluster: 'dev',
      realm: mailRealm,
      smtp: {
        host: 'smtp.example.com',
        port: 587,
        from: 'noreply@example.com',
        user: 'mailer',
      },
    };
    try {
      await run(realmAction, input, { smtpPassword: 'first-pa55word' });
      const same = await run(realmAction, input, {
        smtpPassword: 'first-pa55word',
      });
      expect(same.out.changed).toBe(false);
      const changed = await run(realmAction, input, {
        smtpPassword: 'second-pa55word',
      });
      expect(changed.out.changed).toBe(true);
      expect(changed.ctx.logger.info).toHaveBeenCalledWith(
        `updated realm "${mailRealm}" in cluster "dev": smtpServer.password`,
      );
      const rep = (await (
        await admin()
      ).realms.findOne({
        realm: mailRealm,
      })) as Record<string, any>;
      expect(
        smtpPasswordMatches(
          rep.attributes?.[SMTP_PASSWORD_ATTRIBUTE],
          'second-pa55word',
        ),
      ).toBe(true);
      expect(JSON.stringify(rep)).not.toContain('second-pa55word');
      const after = await run(realmAction, input, {
        smtpPassword: 'second-pa55word',
      });
      expect(after.out.changed).toBe(false);
    } finally {
      await (await admin()).realms.del({ realm: mailRealm }).catch(() => {});
    }
  });

  it('two runs racing to create the same realm both succeed, one creates it', async () => {
    const raced = uniqueName('race');
    try {
      const results = await Promise.all(
        [1, 2, 3].map(() => run(realmAction, { cluster: 'dev', realm: raced })),
      );
      expect(results.filter(r => r.out.created)).toHaveLength(1);
      expect(results.every(r => r.out.realm === raced)).toBe(true);
    } finally {
      await (await admin()).realms.del({ realm: raced }).catch(() => {});
    }
  });
});
