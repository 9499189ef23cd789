import { clustersFixture } from '../__fixtures__/clusters';
import { CoderPlatformClient } from './CoderPlatformClient';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string) =>
      new Response(JSON.stringify(body), {
        status,
        statusText: status === 200 ? 'OK' : 'Forbidden',
        headers: { 'content-type': 'application/json' },
      }),
  );
  const client = new CoderPlatformClient({
    discoveryApi: {
      getBaseUrl: async plugin => `http://localhost:7007/api/${plugin}`,
    },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('CoderPlatformClient', () => {
  it('lists clusters from the backend plugin', async () => {
    const { client, fetch } = clientAnswering(200, { items: clustersFixture });

    await expect(client.listClusters()).resolves.toEqual(clustersFixture);
    expect(fetch).toHaveBeenCalledWith(
      'http://localhost:7007/api/coder-platform/clusters',
    );
  });

  it('turns an error response into a ResponseError with the backend message', async () => {
    const { client } = clientAnswering(403, {
      error: {
        name: 'NotAllowedError',
        message: 'Missing permission coder-platform.cluster.read',
      },
      response: { statusCode: 403 },
    });

    await expect(client.listClusters()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: {
        message: 'Missing permission coder-platform.cluster.read',
      },
    });
  });
});
