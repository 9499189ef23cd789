import { ConfigReader } from '@backstage/config';
import { GcpContractServer } from '@coder-platform/testing';
import { ClusterModel } from './ClusterModel';
import {
  fixedTokenAuth,
  startHttpsRecorder,
} from './__testUtils__/httpsRecorder';

const NAME = 'projects/acme-coder/locations/europe-west1/clusters/dev';
const TOKEN = 'ya29.gke-named-token';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (
  namespace: string,
  name: string,
  data: Record<string, string>,
  labels: Record<string, string> = { 'coder-platform.io/managed': 'true' },
) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace, name, labels },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});
const ingress = (namespace: string, name: string, host: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { namespace, name },
  spec: { rules: [{ host }] },
});

describe('Keycloak and Coder of a GKE-named cluster, found inside the cluster', () => {
  jest.setTimeout(60_000);
  let gcp: GcpContractServer;
  let apiServer: Awaited<ReturnType<typeof startHttpsRecorder>>;
  const model = (gke: Record<string, unknown> = {}) =>
    ClusterModel.fromConfig(
      new ConfigReader({
        coderPlatform: {
          gcp: { endpoints: { container: gcp.endpointsConfig().container } },
          gke: { allowedProjects: ['acme-coder'], ...gke },
          clusterActions: { readableSecrets: ['apps/listed'] },
        },
      }),
      { authClient: fixedTokenAuth(TOKEN) },
    );

  beforeAll(async () => {
    gcp = await new GcpContractServer().start();
    apiServer = await startHttpsRecorder({
      '/apis/networking.k8s.io/v1/namespaces/keycloak/ingresses/keycloak':
        ingress('keycloak', 'keycloak', 'keycloak.dev.example.com'),
      '/api/v1/namespaces/keycloak/secrets/keycloak-admin': secret(
        'keycloak',
        'keycloak-admin',
        { username: 'admin', password: 'kc-admin-pa55' },
      ),
      '/apis/networking.k8s.io/v1/namespaces/coder/ingresses/coder': ingress(
        'coder',
        'coder',
        'coder.dev.example.com',
      ),
      '/api/v1/namespaces/coder/secrets/coder-session-token': secret(
        'coder',
        'coder-session-token',
        { 'session-token': 'coder-session-abc' },
      ),
      '/api/v1/namespaces/apps/secrets/foreign': secret(
        'apps',
        'foreign',
        { token: 'foreign-value' },
        {},
      ),
      '/api/v1/namespaces/apps/secrets/listed': secret(
        'apps',
        'listed',
        { token: 'listed-value' },
        {},
      ),
    });
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
  });

  it('Keycloak: the Ingress host and the admin Secret (default names), password registered as a secret', async () => {
    const cluster = model().resolve(NAME);
    await expect(cluster.keycloakAdmin()).resolves.toEqual({
      baseUrl: 'https://keycloak.dev.example.com',
      loginRealm: 'master',
      credentials: {
        type: 'password',
        username: 'admin',
        password: 'kc-admin-pa55',
      },
    });
    expect(cluster.secrets.redact('pw kc-admin-pa55')).toBe('pw ***');
    expect(
      apiServer.requests.every(r => r.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
  });

  it('Coder: the Ingress host and the session token Secret', async () => {
    const coder = await model().resolve(NAME).coder();
    expect(coder.url).toBe('https://coder.dev.example.com');
    expect(coder.sessionTokenSecret).toEqual({
      namespace: 'coder',
      name: 'coder-session-token',
      key: 'session-token',
    });
    await expect(coder.token()).resolves.toBe('coder-session-abc');
  });

  it('names the config key when the Ingress is elsewhere', async () => {
    await expect(
      model({ keycloak: { ingress: 'auth/kc' } })
        .resolve(NAME)
        .keycloakAdmin(),
    ).rejects.toThrow(
      'cannot read Ingress auth/kc (coderPlatform.gke.keycloak.ingress, HTTP 404)',
    );
  });

  it('reads a Secret for a template only when labelled managed or listed in readableSecrets', async () => {
    const cluster = model().resolve(NAME);
    await expect(
      cluster.readSecret({ namespace: 'apps', name: 'foreign' }, 'token', {
        field: 'source',
      }),
    ).rejects.toThrow(
      'source: Secret apps/foreign was not written by the suite (no label coder-platform.io/managed: "true")',
    );
    expect(cluster.secrets.redact('foreign-value')).toBe('foreign-value');
    await expect(
      cluster.readSecret({ namespace: 'apps', name: 'listed' }, 'token', {
        field: 'source',
      }),
    ).resolves.toBe('listed-value');
    await expect(
      cluster.readSecret({ namespace: 'apps', name: 'absent' }, 'token', {
        field: 'source',
      }),
    ).resolves.toBeUndefined();
  });
});
