import { ResponseError } from '@backstage/errors';
import { clustersFixture } from '../__fixtures__/clusters';
import { CoderPlatformClient } from './CoderPlatformClient';

const BASE = 'http://localhost:7007/api/coder-platform';

function clientAnswering(
  status: number,
  body: unknown,
  statusText = status === 200 ? 'OK' : 'Error',
) {
  const fetch = jest.fn(
    async (_url: string) =>
      new Response(JSON.stringify(body), {
        status,
        statusText,
        headers: { 'content-type': 'application/json' },
      }),
  );
  const getBaseUrl = jest.fn(
    async (plugin: string) => `http://localhost:7007/api/${plugin}`,
  );
  const client = new CoderPlatformClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch, getBaseUrl };
}

describe('CoderPlatformClient', () => {
  it('lists clusters from the backend plugin, unwrapping items', async () => {
    const { client, fetch, getBaseUrl } = clientAnswering(200, {
      items: clustersFixture,
    });

    await expect(client.listClusters()).resolves.toEqual(clustersFixture);
    expect(getBaseUrl).toHaveBeenCalledWith('coder-platform');
    expect(fetch).toHaveBeenCalledWith(`${BASE}/clusters`);
  });

  it.each<[string, (c: CoderPlatformClient) => Promise<unknown>, string]>([
    ['getCluster', c => c.getCluster('dev-eu1'), '/clusters/dev-eu1'],
    [
      'getCoderOverview',
      c => c.getCoderOverview('dev-eu1'),
      '/clusters/dev-eu1/coder',
    ],
    [
      'listWorkspaces without a query',
      c => c.listWorkspaces('dev-eu1'),
      '/clusters/dev-eu1/workspaces',
    ],
    [
      'listWorkspaces with q, limit and offset',
      c =>
        c.listWorkspaces('dev-eu1', {
          q: 'owner:alice template:devbox',
          limit: 25,
          offset: 50,
        }),
      '/clusters/dev-eu1/workspaces?q=owner%3Aalice+template%3Adevbox&limit=25&offset=50',
    ],
    [
      'listWorkspaces leaves out an empty q',
      c => c.listWorkspaces('dev-eu1', { q: '', limit: 10 }),
      '/clusters/dev-eu1/workspaces?limit=10',
    ],
    [
      'listKeycloakUsers with search, paging and both filters',
      c =>
        c.listKeycloakUsers('dev-eu1', {
          search: 'alice@example.com',
          first: 20,
          max: 20,
          enabled: false,
          emailVerified: true,
        }),
      '/clusters/dev-eu1/keycloak/users?search=alice%40example.com&first=20&max=20&enabled=false&emailVerified=true',
    ],
    [
      'listKeycloakUsers without a query',
      c => c.listKeycloakUsers('dev-eu1'),
      '/clusters/dev-eu1/keycloak/users',
    ],
    [
      'getKeycloakUserGroups',
      c =>
        c.getKeycloakUserGroups(
          'dev-eu1',
          '6a3f8e2c-1b7d-4c55-9f0e-2d8a41b3c9e7',
        ),
      '/clusters/dev-eu1/keycloak/users/6a3f8e2c-1b7d-4c55-9f0e-2d8a41b3c9e7/groups',
    ],
    [
      'getKeycloakSummary',
      c => c.getKeycloakSummary('dev-eu1'),
      '/clusters/dev-eu1/keycloak/summary',
    ],
    [
      'getPostgresBackups',
      c => c.getPostgresBackups('dev-eu1'),
      '/clusters/dev-eu1/backups/postgres',
    ],
    [
      'getWorkspaceBackups',
      c => c.getWorkspaceBackups('dev-eu1'),
      '/clusters/dev-eu1/backups/workspaces',
    ],
    [
      'getReleases',
      c => c.getReleases('dev-eu1'),
      '/clusters/dev-eu1/releases',
    ],
  ])('%s calls %s and returns the body', async (_name, call, path) => {
    const body = { cluster: 'dev-eu1', marker: path };
    const { client, fetch } = clientAnswering(200, body);

    await expect(call(client)).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(`${BASE}${path}`);
  });

  it('encodes cluster names and user ids as path segments', async () => {
    const { client, fetch } = clientAnswering(200, {});

    await client.getCluster('a/b?c');
    await client.getKeycloakUserGroups('dev-eu1', '../admin');
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      `${BASE}/clusters/a%2Fb%3Fc`,
      `${BASE}/clusters/dev-eu1/keycloak/users/..%2Fadmin/groups`,
    ]);
  });

  it.each([
    [403, 'NotAllowedError', 'Missing permission coder-platform.cluster.read'],
    [
      404,
      'NotFoundError',
      'Cluster dev-eu1 has no keycloak configured (coderPlatform.clusters[].keycloak)',
    ],
    [
      503,
      'ServiceUnavailableError',
      'keycloak of cluster dev-eu1 is unavailable and nothing is cached: ECONNREFUSED',
    ],
  ])(
    'turns a %d into a ResponseError carrying the backend message',
    async (status, name, message) => {
      const { client } = clientAnswering(status, {
        error: { name, message },
        response: { statusCode: status },
      });

      const error = await client.getKeycloakSummary('dev-eu1').then(
        () => undefined,
        e => e,
      );
      expect(error).toBeInstanceOf(ResponseError);
      expect(error).toMatchObject({
        name: 'ResponseError',
        statusCode: status,
        body: { error: { name, message } },
        cause: { name, message },
      });
    },
  );

  it('turns a non-JSON error page into a ResponseError with the status', async () => {
    const fetch = jest.fn(
      async () =>
        new Response('<html>Bad Gateway</html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'content-type': 'text/html' },
        }),
    );
    const client = new CoderPlatformClient({
      discoveryApi: { getBaseUrl: async () => BASE },
      fetchApi: { fetch: fetch as any },
    });

    await expect(client.getReleases('dev-eu1')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 502,
    });
  });
});
