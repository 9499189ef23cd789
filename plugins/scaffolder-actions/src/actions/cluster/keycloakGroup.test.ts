import { ConfigReader } from '@backstage/config';
import { createKeycloakGroupAction } from './keycloakGroup';
import { mockContext } from './__testUtils__/context';
import {
  memoryKeycloakConfig,
  startMemoryKeycloak,
} from './__testUtils__/memoryKeycloak';

describe('keycloak:group', () => {
  let keycloak: Awaited<ReturnType<typeof startMemoryKeycloak>>;
  const run = async (input: Record<string, unknown>, isDryRun = false) => {
    const action = createKeycloakGroupAction({
      config: new ConfigReader(memoryKeycloakConfig(keycloak.url)),
    });
    const ctx = mockContext(
      { cluster: 'dev', realm: 'example-com', ...input },
      { isDryRun },
    );
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };
  const grafanaGroups = {
    groups: [
      {
        name: 'grafana-admin',
        clientRoles: [{ clientId: 'grafana', roles: ['admin'] }],
      },
      {
        name: 'grafana-dev',
        clientRoles: [{ clientId: 'grafana', roles: ['editor'] }],
      },
    ],
  };

  beforeEach(async () => {
    keycloak = await startMemoryKeycloak('example-com');
  });
  afterEach(() => keycloak.stop());

  it.each([
    [{ groups: [{ name: 'a' }, { name: 'a' }] }, 'groups: "a" is listed twice'],
    [{ cluster: 'nope', groups: [{ name: 'a' }] }, 'nope'],
    [
      {
        groups: [
          {
            name: 'a',
            clientRoles: [{ clientId: 'grafana', roles: ['admin'] }],
          },
        ],
      },
      'client "grafana" does not exist in realm "example-com"; create it with keycloak:client first',
    ],
  ])('rejects %j', async (input, message) => {
    await expect(run(input)).rejects.toThrow(message);
    expect(keycloak.mutations()).toEqual([]);
  });

  it('creates groups, missing client roles and mappings; a re-run writes nothing', async () => {
    keycloak.addClient('grafana', ['admin']);
    const { out } = await run(grafanaGroups);
    expect(out.changed).toBe(true);
    expect(
      out.groups.map((g: any) => [g.name, g.created, g.addedRoles]),
    ).toEqual([
      ['grafana-admin', true, ['grafana/admin']],
      ['grafana-dev', true, ['grafana/editor']],
    ]);
    expect(keycloak.groupNames()).toEqual(['grafana-admin', 'grafana-dev']);
    expect(keycloak.clientRoles('grafana')).toEqual(['admin', 'editor']);
    expect(keycloak.mappedRoles('grafana-dev')).toEqual(['grafana/editor']);
    expect(
      keycloak
        .mutations()
        .map(m => `${m.method} ${m.path.replace(/[0-9a-f-]{36}/g, ':id')}`),
    ).toEqual([
      'POST /admin/realms/example-com/groups',
      'POST /admin/realms/example-com/groups/:id/role-mappings/clients/:id',
      'POST /admin/realms/example-com/groups',
      'POST /admin/realms/example-com/clients/:id/roles',
      'POST /admin/realms/example-com/groups/:id/role-mappings/clients/:id',
    ]);

    const writes = keycloak.mutations().length;
    const again = await run(grafanaGroups);
    expect(again.out.changed).toBe(false);
    expect(again.out.groups.map((g: any) => g.created)).toEqual([false, false]);
    expect(keycloak.mutations()).toHaveLength(writes);
  });

  it('adds only the mapping an existing group lacks', async () => {
    keycloak.addClient('grafana', ['admin', 'editor']);
    await run({ groups: [{ name: 'grafana-dev' }] });
    const { out } = await run({
      groups: [
        {
          name: 'grafana-dev',
          clientRoles: [{ clientId: 'grafana', roles: ['editor', 'editor'] }],
        },
      ],
    });
    expect(out.groups[0]).toMatchObject({
      created: false,
      addedRoles: ['grafana/editor'],
    });
    expect(keycloak.mappedRoles('grafana-dev')).toEqual(['grafana/editor']);
  });

  it('dry run only reads, even when the client does not exist yet', async () => {
    const { ctx, out } = await run(grafanaGroups, true);
    expect(keycloak.mutations()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(out.changed).toBe(false);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create group "grafana-admin" and map grafana/admin',
    );
  });

  it('retries a 503 on a read, and names the group when Keycloak refuses a write', async () => {
    keycloak.addClient('grafana');
    keycloak.failNext(/^GET .*\/groups$/, 503);
    await run({ groups: [{ name: 'ok' }] });
    expect(keycloak.groupNames()).toEqual(['ok']);
    keycloak.failNext(/^POST .*\/groups$/, 403);
    await expect(run({ groups: [{ name: 'denied' }] })).rejects.toThrow(
      'keycloak:group: creating group "denied" in realm "example-com" of cluster "dev" failed: HTTP 403',
    );
  });
});
