import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { GcpContractServer } from './GcpContractServer';

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
