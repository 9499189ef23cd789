import { ConfigReader } from '@backstage/config';
import { GcpContractServer } from '@coder-platform/testing';
import { CoreV1Api } from '@kubernetes/client-node';
import { ClusterModel } from './ClusterModel';
import {
  fixedTokenAuth,
  startHttpsRecorder,
} from './__testUtils__/httpsRecorder';

const NAME = 'projects/acme-coder/locations/europe-west1/clusters/dev';
const TOKEN = 'ya29.test-google-token';

describe('ClusterModel with the GKE contract server', () => {
  jest.setTimeout(60_000);
  let gcp: GcpContractServer;
  let apiServer: Awaited<ReturnType<typeof startHttpsRecorder>>;
  let elsewhere: Awaited<ReturnType<typeof startHttpsRecorder>>;
  const model = () =>
    ClusterModel.fromConfig(
      new ConfigReader({
        coderPlatform: {
          gcp: { endpoints: { container: gcp.endpointsConfig().container } },
          gke: { allowedProjects: ['acme-coder'] },
          clusters: [
            {
              name: 'configured',
              kubernetes: {
                url: `https://${elsewhere.endpoint}`,
                caData: elsewhere.caData,
                auth: { type: 'token', token: 'configured-token' },
              },
            },
          ],
        },
      }),
      { authClient: fixedTokenAuth(TOKEN) },
    );

  beforeAll(async () => {
    gcp = await new GcpContractServer().start();
    apiServer = await startHttpsRecorder();
    elsewhere = await startHttpsRecorder();
    gcp.grpc.clusters.set(NAME, {
      name: 'dev',
      status: 'RUNNING',
      endpoint: apiServer.endpoint,
      masterAuth: { clusterCaCertificate: apiServer.caData },
    });
  });
  afterAll(async () => {
    await gcp.stop();
    await apiServer.stop();
    await elsewhere.stop();
  });
  beforeEach(() => {
    apiServer.requests.length = 0;
    elsewhere.requests.length = 0;
    gcp.calls.reset();
  });

  it('reads endpoint and CA from the GKE API and sends the Google token only to that endpoint', async () => {
    const cluster = model().resolve(NAME);
    expect(cluster.source).toBe('gke');
    const kc = await cluster.kubeConfig();
    expect(kc.getCurrentCluster()).toMatchObject({
      server: `https://${apiServer.endpoint}`,
      caData: apiServer.caData,
    });
    // TLS verified against the CA the GKE API returned.
    await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(apiServer.requests).toEqual([
      { path: '/api/v1/namespaces', authorization: `Bearer ${TOKEN}` },
    ]);
    expect(elsewhere.requests).toEqual([]);
    expect(gcp.calls.count('container.GetCluster')).toBeGreaterThan(0);
    // The token joined the cluster's secrets before it was used.
    expect(cluster.secrets.redact(`x ${TOKEN} y`)).toBe('x *** y');
  });

  it('a configured token-auth cluster sends kubernetes.auth.token to its URL, and no Google token anywhere', async () => {
    const kc = await model().resolve('configured').kubeConfig();
    await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(elsewhere.requests).toEqual([
      { path: '/api/v1/namespaces', authorization: 'Bearer configured-token' },
    ]);
    expect(apiServer.requests).toEqual([]);
  });

  it('names a GKE cluster that does not exist', async () => {
    await expect(
      model()
        .resolve('projects/acme-coder/locations/europe-west1/clusters/gone')
        .kubeConfig(),
    ).rejects.toThrow(
      'GKE cluster projects/acme-coder/locations/europe-west1/clusters/gone does not exist',
    );
  });

  it.each([
    [
      'projects/other-project/locations/europe-west1/clusters/dev',
      'cluster: project "other-project" is not in coderPlatform.gke.allowedProjects',
    ],
    [
      'projects/acme-coder/clusters/dev',
      'cluster: "projects/acme-coder/clusters/dev" is not a GKE resource name',
    ],
    [
      'https://34.1.2.3',
      'cluster: "https://34.1.2.3" is neither a cluster of coderPlatform.clusters (configured) nor a GKE resource name',
    ],
    ['', 'cluster: give a cluster name'],
    [{ endpoint: '34.1.2.3' }, 'cluster: give a cluster name'],
  ])('refuses %j without calling anything', (ref, message) => {
    expect(() => model().resolve(ref, 'cluster')).toThrow(message);
    expect(gcp.calls.count('container.GetCluster')).toBe(0);
    expect(apiServer.requests).toEqual([]);
    expect(elsewhere.requests).toEqual([]);
  });
});
