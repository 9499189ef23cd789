import { ConfigReader } from '@backstage/config';
import { GcpContractServer } from '@coder-platform/testing';
import { ClusterModel } from './ClusterModel';
import { fixedTokenAuth } from './__testUtils__/httpsRecorder';

const NAME = 'projects/acme-coder/locations/europe-west1/clusters/dev';

/**
 * The GKE API accepting GetCluster and never answering (the contract
 * server's HANG fault): resolving a GKE-named cluster ends at
 * `coderPlatform.gcp.callTimeoutSeconds`, the client's own retries included,
 * with an error naming the API, the cluster and the setting, and leaves no
 * call open; once the API answers, the same cluster resolves.
 */
describe('GKE cluster resolution when the GKE API hangs', () => {
  jest.setTimeout(60_000);
  let gcp: GcpContractServer;
  const model = () =>
    ClusterModel.fromConfig(
      new ConfigReader({
        coderPlatform: {
          gcp: {
            callTimeoutSeconds: 1,
            endpoints: { container: gcp.endpointsConfig().container },
          },
          gke: { allowedProjects: ['acme-coder'] },
        },
      }),
      { authClient: fixedTokenAuth('ya29.hang-test-token') },
    );

  beforeAll(async () => {
    gcp = await new GcpContractServer().start();
    gcp.grpc.clusters.set(NAME, {
      name: 'dev',
      status: 'RUNNING',
      endpoint: '127.0.0.1:1',
      masterAuth: {
        clusterCaCertificate: Buffer.from('ca').toString('base64'),
      },
    });
  });
  afterAll(() => gcp.stop());

  it('ends at the call timeout naming the API, the cluster and the setting; resolves once the API answers', async () => {
    gcp.inject({ rpc: 'container.GetCluster', error: 'HANG', times: 1_000 });
    await expect(model().resolve(NAME).kubeConfig()).rejects.toThrow(
      `the GKE API (container.googleapis.com) did not answer reading cluster ${NAME} within 1 s (coderPlatform.gcp.callTimeoutSeconds)`,
    );
    expect(gcp.calls.count('container.GetCluster')).toBeGreaterThan(0);
    // The client cancelled what it sent: no call is left open at the API.
    for (let i = 0; i < 100 && gcp.calls.hungCalls > 0; i++)
      await new Promise(resolve => setTimeout(resolve, 50));
    expect(gcp.calls.hungCalls).toBe(0);

    gcp.calls.clearFaults();
    const kubeConfig = await model().resolve(NAME).kubeConfig();
    expect(kubeConfig.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
  });

  it('refuses a call timeout that is not a positive number, naming the key', () => {
    expect(() =>
      ClusterModel.fromConfig(
        new ConfigReader({ coderPlatform: { gcp: { callTimeoutSeconds: 0 } } }),
      ),
    ).toThrow(
      'coderPlatform.gcp.callTimeoutSeconds: must be a positive number of seconds, got 0',
    );
  });
});
