import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { GcpContractServer } from './GcpContractServer';

/** A plain grpc-js ClusterManager client from the protos of the official package. */
function clusterManager(port: number) {
  const gax = join(require.resolve('google-gax'), '..', '..', 'protos');
  const container = join(
    require.resolve(['@google-cloud', 'container'].join('/')),
    '..',
    '..',
    'protos',
  );
  const definition = protoLoader.loadSync(
    'google/container/v1/cluster_service.proto',
    { includeDirs: [container, gax], enums: String },
  );
  const { ClusterManager } = (grpc.loadPackageDefinition(definition) as any)
    .google.container.v1;
  const client = new ClusterManager(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  return {
    call: (method: string, request: object) =>
      new Promise<any>((resolve, reject) =>
        client[method](request, (err: unknown, res: unknown) =>
          err ? reject(err) : resolve(res),
        ),
      ),
    close: () => client.close(),
  };
}

describe('GcpContractServer', () => {
  let gcp: GcpContractServer;
  beforeAll(async () => {
    gcp = await new GcpContractServer({ pollsToComplete: 1 }).start();
  });
  afterAll(() => gcp.stop());

  it('serves GKE over gRPC with real error codes', async () => {
    const gax = join(require.resolve('google-gax'), '..', '..', 'protos');
    const container = join(
      require.resolve(['@google-cloud', 'container'].join('/')),
      '..',
      '..',
      'protos',
    );
    const definition = protoLoader.loadSync(
      'google/container/v1/cluster_service.proto',
      { includeDirs: [container, gax], enums: String },
    );
    const { ClusterManager } = (grpc.loadPackageDefinition(definition) as any)
      .google.container.v1;
    const client = new ClusterManager(
      `127.0.0.1:${gcp.grpc.listeningPort}`,
      grpc.credentials.createInsecure(),
    );
    const call = (method: string, request: object) =>
      new Promise<any>((resolve, reject) =>
        client[method](request, (err: unknown, res: unknown) =>
          err ? reject(err) : resolve(res),
        ),
      );
    await expect(
      call('getCluster', {
        name: 'projects/p/locations/europe-west3-c/clusters/none',
      }),
    ).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: 'Not found: projects/p/locations/europe-west3-c/clusters/none.',
    });
    gcp.inject({ rpc: 'container.GetServerConfig', error: 'UNAVAILABLE' });
    await expect(
      call('getServerConfig', { name: 'projects/p/locations/europe-west3-c' }),
    ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    const config = await call('getServerConfig', {
      name: 'projects/p/locations/europe-west3-c',
    });
    expect(
      config.channels.find((c: any) => c.channel === 'REGULAR').defaultVersion,
    ).toMatch(/^1\.33\./);
    expect(gcp.calls.byRpc()).toEqual({
      'container.GetCluster': 1,
      'container.GetServerConfig': 2,
    });
    client.close();
  });

  it('reports the API server it is given for clusters created from then on', async () => {
    const client = clusterManager(gcp.grpc.listeningPort);
    const create = (name: string) =>
      client.call('createCluster', {
        parent: 'projects/p/locations/europe-west3-c',
        cluster: { name, initialNodeCount: 1 },
      });
    const get = (name: string) =>
      client.call('getCluster', {
        name: `projects/p/locations/europe-west3-c/clusters/${name}`,
      });
    await create('before');
    const caCertificate = Buffer.from(
      '-----BEGIN CERTIFICATE-----\nlocal API server CA\n-----END CERTIFICATE-----\n',
    ).toString('base64');
    gcp.clusterApiServer = { endpoint: '127.0.0.1:6443', caCertificate };
    try {
      await create('after');
      expect(await get('after')).toMatchObject({
        endpoint: '127.0.0.1:6443',
        masterAuth: { clusterCaCertificate: caCertificate },
      });
      const before = await get('before');
      expect(before.endpoint).toMatch(/^10\.\d+\.0\.2$/);
      expect(before.masterAuth.clusterCaCertificate).not.toBe(caCertificate);
    } finally {
      gcp.clusterApiServer = undefined;
      client.close();
    }
  });

  it('takes the API server as a constructor option too', async () => {
    const other = await new GcpContractServer({
      clusterApiServer: {
        endpoint: 'https://127.0.0.1:1',
        caCertificate: 'Q0E=',
      },
    }).start();
    const client = clusterManager(other.grpc.listeningPort);
    try {
      await client.call('createCluster', {
        parent: 'projects/p/locations/europe-west3-c',
        cluster: { name: 'c', initialNodeCount: 1 },
      });
      expect(
        await client.call('getCluster', {
          name: 'projects/p/locations/europe-west3-c/clusters/c',
        }),
      ).toMatchObject({
        endpoint: 'https://127.0.0.1:1',
        masterAuth: { clusterCaCertificate: 'Q0E=' },
      });
    } finally {
      client.close();
      await other.stop();
    }
  });

  it('serves REST over HTTPS with Google JSON errors', async () => {
    const res = await fetch(
      `https://127.0.0.1:${gcp.rest.listeningPort}/compute/v1/projects/p/global/networks/none`,
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: {
        code: 404,
        status: 'NOT_FOUND',
        errors: [{ reason: 'notFound' }],
      },
    });
  });
});
