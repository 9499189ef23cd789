import { createKeycloakAdminPasswordClient } from '@coder-platform/plugin-coder-platform-node';
import { createKeycloakGroupAction } from './keycloakGroup';
import { mockContext } from './__testUtils__/context';
import { keycloakPeer, kubePeer, uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('keycloak:group against the local Keycloak', () => {
  const keycloak = keycloakPeer();
  const action = createKeycloakGroupAction({
    config: kubePeer().config({}, { local: { keycloak: keycloak.keycloak() } }),
  });
  const realm = uniqueName('groups');
  const admin = () =>
    createKeycloakAdminPasswordClient({
      baseUrl: keycloak.env.PEERS_KEYCLOAK_URL,
      username: keycloak.env.PEERS_KEYCLOAK_ADMIN_USER,
      password: keycloak.env.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    });
  const run = async (input: Record<string, unknown>, isDryRun = false) => {
    const ctx = mockContext(
      { cluster: 'local', realm, ...input },
      { isDryRun },
    );
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  beforeAll(async () => {
    const kc = await admin();
    await kc.realms.create({ realm, enabled: true });
    await kc.clients.create({
      realm,
      clientId: 'grafana',
      publicClient: false,
    });
  });
  afterAll(async () => {
    const kc = await admin();
    await kc.realms.del({ realm }).catch(() => undefined);
  });

  it('creates groups with client roles, then re-runs as a no-op', async () => {
    const input = {
      groups: [
        {
          name: 'grafana-admin',
          clientRoles: [{ clientId: 'grafana', roles: ['admin'] }],
        },
        {
          name: 'grafana-dev',
          clientRoles: [{ clientId: 'grafana', roles: ['editor', 'viewer'] }],
        },
        { name: 'coder-users' },
      ],
    };
    const planned = await run(input, true);
    expect(planned.out.changed).toBe(false);
    const kc = await admin();
    expect(await kc.groups.find({ realm })).toEqual([]);

    const { out } = await run(input);
    expect(out.changed).toBe(true);
    expect(
      out.groups.map((g: any) => [g.name, g.created, g.addedRoles]),
    ).toEqual([
      ['grafana-admin', true, ['grafana/admin']],
      ['grafana-dev', true, ['grafana/editor', 'grafana/viewer']],
      ['coder-users', true, []],
    ]);
    const groups = await kc.groups.find({ realm });
    expect(groups.map(g => g.name).sort()).toEqual([
      'coder-users',
      'grafana-admin',
      'grafana-dev',
    ]);
    const [grafana] = await kc.clients.find({ realm, clientId: 'grafana' });
    const dev = groups.find(g => g.name === 'grafana-dev')!;
    const mapped = await kc.groups.listClientRoleMappings({
      realm,
      id: dev.id!,
      clientUniqueId: grafana.id!,
    });
    expect(mapped.map(r => r.name).sort()).toEqual(['editor', 'viewer']);
    expect(out.groups[1].id).toBe(dev.id);

    const again = await run(input);
    expect(again.out.changed).toBe(false);
    expect(again.out.groups.every((g: any) => !g.created)).toBe(true);
    expect((await kc.groups.find({ realm })).length).toBe(3);

    // A subgroup of the same name elsewhere is not mistaken for the group.
    await kc.groups.createChildGroup(
      { realm, id: groups.find(g => g.name === 'coder-users')!.id! },
      { name: 'ops' },
    );
    const ops = await run({ groups: [{ name: 'ops' }] });
    expect(ops.out.groups[0].created).toBe(true);
  });

  it('names a missing client and a missing realm', async () => {
    await expect(
      run({
        groups: [
          { name: 'x', clientRoles: [{ clientId: 'nope', roles: ['r'] }] },
        ],
      }),
    ).rejects.toThrow(
      `client "nope" does not exist in realm "${realm}"; create it with keycloak:client first`,
    );
    await expect(
      run({ realm: `${realm}-missing`, groups: [{ name: 'x' }] }),
    ).rejects.toThrow(
      /reading group "x" in realm ".*-missing" of cluster "local" failed: HTTP 404/,
    );
  });
});
