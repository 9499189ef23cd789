import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoderContractServer } from '@coder-platform/testing';
import { readClusters } from '../config/readClusters';
import { CoderPlatformService } from '../service/CoderPlatformService';
import { readSettings } from '../service/settings';
import { registerActions } from './registerActions';

describe('actions registry', () => {
  let coder: CoderContractServer;
  let token: string;

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pw-123456',
    });
  });

  afterAll(() => coder.stop());

  function setup(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
    const root = new ConfigReader({
      coderPlatform: {
        clusters: [{ name: 'dev', coder: { url: coder.url, token } }],
      },
    });
    const service = new CoderPlatformService({
      clusters: readClusters(root),
      settings: readSettings(root),
      cache: mockServices.cache.mock({
        get: async () => undefined,
        set: async () => {},
      }),
      logger: mockServices.logger.mock(),
    });
    const actionsRegistry = actionsRegistryServiceMock();
    const permissions = mockServices.permissions.mock({
      authorize: (async (requests: unknown[]) =>
        requests.map(() => ({ result }))) as any,
    });
    registerActions({ actionsRegistry, permissions, service });
    return { actionsRegistry, permissions };
  }

  it('registers the six read operations, read-only, each behind a permission', async () => {
    const { actionsRegistry } = setup(AuthorizeResult.ALLOW);
    const { actions } = await actionsRegistry.list();
    expect(
      actions
        .map(a => [a.name, a.attributes.readOnly, a.attributes.destructive])
        .sort(),
    ).toEqual([
      ['get-backup-status', true, false],
      ['get-cluster-overview', true, false],
      ['get-keycloak-user-summary', true, false],
      ['list-clusters', true, false],
      ['list-helm-releases', true, false],
      ['list-workspaces', true, false],
    ]);
    expect(
      [...actionsRegistry.actions.values()]
        .map(a => a.visibilityPermission?.name)
        .sort(),
    ).toEqual([
      'coder-platform.backups.read',
      'coder-platform.cluster.read',
      'coder-platform.coder.read',
      'coder-platform.coder.read',
      'coder-platform.keycloak.users.read',
      'coder-platform.releases.read',
    ]);
  });

  it('returns the cluster overview through the registry', async () => {
    const { actionsRegistry } = setup(AuthorizeResult.ALLOW);
    const { output } = await actionsRegistry.invoke({
      id: 'test:get-cluster-overview',
      input: { cluster: 'dev' },
      credentials: mockCredentials.user(),
    });
    expect(output).toMatchObject({
      version: expect.stringMatching(/^v2\./),
      stale: false,
      provisioners: [expect.objectContaining({ name: 'coder-provisioner-0' })],
    });
  });

  it('lists the configured clusters without endpoints or credentials', async () => {
    const { actionsRegistry } = setup(AuthorizeResult.ALLOW);
    const { output } = await actionsRegistry.invoke({
      id: 'test:list-clusters',
      input: {},
      credentials: mockCredentials.user(),
    });
    expect(output).toEqual({
      clusters: [
        {
          name: 'dev',
          title: 'dev',
          upstreams: {
            coder: true,
            keycloak: false,
            postgresBackups: false,
            workspaceBackups: false,
            kubernetes: false,
          },
        },
      ],
    });
    expect(JSON.stringify(output)).not.toContain(token);
  });

  it('pages workspaces with a Coder search query', async () => {
    coder.addWorkspace({ name: 'reg-1', owner_name: 'carol' });
    coder.addWorkspace({ name: 'reg-2', owner_name: 'carol' });
    coder.addWorkspace({ name: 'reg-3', owner_name: 'dave' });
    const { actionsRegistry } = setup(AuthorizeResult.ALLOW);
    const { output } = await actionsRegistry.invoke({
      id: 'test:list-workspaces',
      input: { cluster: 'dev', query: 'owner:carol', limit: 1, offset: 1 },
      credentials: mockCredentials.user(),
    });
    expect(output).toMatchObject({
      count: 2,
      workspaces: [{ name: 'reg-2', owner: 'carol', status: 'running' }],
      stale: false,
    });
  });

  it('refuses callers without the permission', async () => {
    coder.requests.length = 0;
    const { actionsRegistry } = setup(AuthorizeResult.DENY);
    await expect(
      actionsRegistry.invoke({
        id: 'test:get-cluster-overview',
        input: { cluster: 'dev' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow('Missing permission coder-platform.coder.read');
    expect(
      coder.requests.filter(r => r.path !== '/api/v2/users/first'),
    ).toHaveLength(0);
  });
});
