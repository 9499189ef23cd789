import { createKeycloakAdminPasswordClient } from '@coder-platform/plugin-coder-platform-node';
import { createKeycloakClientAction } from './keycloakClient';
import { readSecretValue } from './kubernetes';
import { REALM_MANAGEMENT } from './keycloakServiceAccount';
import { mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { keycloakPeer, kubePeer, uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

const ROLES = ['view-users', 'query-users', 'query-groups', 'view-realm'];

/** keycloak:client serviceAccountRoles against the local Keycloak (the discovery's reader client). */
describe('keycloak:client service account roles against the local Keycloak', () => {
  const keycloak = keycloakPeer();
  const kube = kubePeer();
  const options = {
    config: kube.config({}, { dev: { keycloak: keycloak.keycloak() } }),
  };
  const clientAction = createKeycloakClientAction(options);
  const api = kube.api();
  const inPeer = createdInPeer(api);
  const realm = uniqueName('realm-sa');
  const admin = () =>
    createKeycloakAdminPasswordClient({
      baseUrl: keycloak.env.PEERS_KEYCLOAK_URL,
      username: keycloak.env.PEERS_KEYCLOAK_ADMIN_USER,
      password: keycloak.env.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    });
  const run = async (input: Record<string, unknown>) => {
    const ctx = mockContext(input);
    await clientAction.handler(ctx as any);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };
  const heldRoles = async (clientId: string) => {
    const kc = await admin();
    const [client] = await kc.clients.find({ realm, clientId });
    const [management] = await kc.clients.find({
      realm,
      clientId: REALM_MANAGEMENT,
    });
    const user = await kc.clients.getServiceAccountUser({
      realm,
      id: client.id!,
    });
    const held = await kc.users.listClientRoleMappings({
      realm,
      id: user.id!,
      clientUniqueId: management.id!,
    });
    return { client, held: held.map(r => r.name).sort() };
  };

  beforeAll(async () => {
    await (await admin()).realms.create({ realm, enabled: true });
  });
  afterAll(async () => {
    await (await admin()).realms.del({ realm }).catch(() => undefined);
    await inPeer.remove();
  });

  it('enables the service account, grants the roles, writes client-id and client-secret, and re-runs as a no-op', async () => {
    const namespace = inPeer.namespace('kc-reader');
    const input = {
      cluster: 'dev',
      realm,
      clientId: 'coder-platform-reader',
      rootUrl: 'https://backstage.example.com',
      audienceMapper: false,
      groupsMapper: false,
      serviceAccountRoles: ROLES,
      secret: { namespace, name: 'coder-platform-reader' },
    };
    const created = await run(input);
    expect(created.out).toMatchObject({ created: true, changed: true });
    const { client, held } = await heldRoles('coder-platform-reader');
    expect(client.serviceAccountsEnabled).toBe(true);
    expect(held).toEqual([...ROLES].sort());
    const kc = await admin();
    const { value } = await kc.clients.getClientSecret({
      realm,
      id: client.id!,
    });
    const ref = { namespace, name: 'coder-platform-reader' };
    await expect(readSecretValue(api, ref, 'client-secret')).resolves.toBe(
      value,
    );
    await expect(readSecretValue(api, ref, 'client-id')).resolves.toBe(
      'coder-platform-reader',
    );

    const again = await run(input);
    expect(again.out).toMatchObject({ created: false, changed: false });

    // A role added to the input is granted; the held ones stay.
    const more = await run({
      ...input,
      serviceAccountRoles: [...ROLES, 'view-clients'],
    });
    expect(more.out).toMatchObject({ created: false, changed: true });
    expect(more.ctx.logger.info).toHaveBeenCalledWith(
      expect.stringContaining('granted view-clients of realm-management'),
    );
    expect((await heldRoles('coder-platform-reader')).held).toEqual(
      [...ROLES, 'view-clients'].sort(),
    );
  });

  it('names a role realm-management does not have', async () => {
    await expect(
      run({
        cluster: 'dev',
        realm,
        clientId: 'bad-roles',
        rootUrl: 'https://bad.example.com',
        serviceAccountRoles: ['view-everything'],
        secret: { namespace: inPeer.namespace('kc-bad'), name: 'bad-roles' },
      }),
    ).rejects.toThrow('realm-management has no role "view-everything"');
  });
});
