import { ConfigReader } from '@backstage/config';
import { GcpContractServer, requirePeer } from '@coder-platform/testing';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fixedTokenAuth } from '../__testUtils__/httpsRecorder';
import { ClusterModel } from '../ClusterModel';
import { parseClusterEntity } from './parseClusterEntity';
import { readDiscoverySettings } from './readDiscoverySettings';
import { toClusterConfig } from './toClusterConfig';

/*
 * A discovered cluster against the real kube peer (named by the GKE contract
 * server): URLs from the cluster's own Ingress, credentials only from
 * Secrets labelled coder-platform.io/managed.
 */
const GKE = 'projects/acme-coder/locations/europe-west1/clusters/dev';

describe('toClusterConfig against the kube peer', () => {
  jest.setTimeout(60_000);
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
  ]);
  const ns = `h11-materialize-${randomBytes(3).toString('hex')}`;
  let gcp: GcpContractServer;
  let core: CoreV1Api;

  const secret = async (
    name: string,
    data: Record<string, string>,
    managed: boolean,
  ) =>
    core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: {
          name,
          labels: managed ? { 'coder-platform.io/managed': 'true' } : {},
        },
        stringData: data,
      },
    });

  beforeAll(async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'peer',
          server: kube.PEERS_KUBE_URL,
          caFile: kube.PEERS_KUBE_CA_FILE,
        },
      ],
      users: [{ name: 'peer', token: kube.PEERS_KUBE_TOKEN }],
      contexts: [{ name: 'peer', cluster: 'peer', user: 'peer' }],
      currentContext: 'peer',
    });
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await secret(
      'coder-session-token',
      { 'session-token': 'coder-tok-1234' },
      false,
    );
    await secret(
      'reader',
      { 'client-id': 'portal-reader', 'client-secret': 'kc-reader-secret-99' },
      true,
    );
    await secret('restic', { password: 'restic-pw-abcdef' }, true);
    await kc.makeApiClient(NetworkingV1Api).createNamespacedIngress({
      namespace: ns,
      body: {
        metadata: { name: 'keycloak' },
        spec: {
          rules: [
            {
              host: 'keycloak.dev.example.com',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: 'keycloak', port: { number: 80 } },
                    },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    gcp = await new GcpContractServer().start();
    gcp.grpc.clusters.set(GKE, {
      name: 'dev',
      status: 'RUNNING',
      endpoint: kube.PEERS_KUBE_URL,
      masterAuth: {
        clusterCaCertificate: readFileSync(kube.PEERS_KUBE_CA_FILE).toString(
          'base64',
        ),
      },
    });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: ns }).catch(() => undefined);
    await gcp?.stop();
  });

  it('takes Keycloak from the Ingress and managed Secrets; leaves out Coder without its Ingress', async () => {
    const config = new ConfigReader({
      coderPlatform: {
        gcp: { endpoints: { container: gcp.endpointsConfig().container } },
        gke: {
          allowedProjects: ['acme-coder'],
          keycloak: { ingress: `${ns}/keycloak` },
          coder: { ingress: `${ns}/coder` },
        },
        discovery: {
          secrets: {
            coderToken: `${ns}/coder-session-token/session-token`,
            keycloakClientId: `${ns}/reader/client-id`,
            keycloakClientSecret: `${ns}/reader/client-secret`,
            resticPassword: `${ns}/restic/password`,
          },
        },
      },
    });
    const settings = readDiscoverySettings(config);
    const model = ClusterModel.fromConfig(config, {
      authClient: fixedTokenAuth(kube.PEERS_KUBE_TOKEN),
    });
    const { spec } = parseClusterEntity(
      {
        kind: 'Resource',
        metadata: {
          name: 'dev',
          annotations: {
            'coder-platform.io/cluster': 'dev',
            'coder-platform.io/gke-cluster': GKE,
            'coder-platform.io/keycloak-realm': 'coder',
            'coder-platform.io/backup-bucket': 'acme-coder-backups',
            'coder-platform.io/postgres-backup-prefix':
              'spilo/dev/main-postgres-db/main',
            'coder-platform.io/restic-prefix': 'coder/dev',
          },
        },
        spec: { type: 'coder-cluster' },
      },
      { allowedProjects: ['acme-coder'], allowedHosts: [] },
    );
    const { cluster, warnings } = await toClusterConfig(spec!, model, settings);

    expect(cluster.keycloak).toEqual({
      baseUrl: 'https://keycloak.dev.example.com',
      realm: 'coder',
      clientId: 'portal-reader',
      clientSecret: 'kc-reader-secret-99',
    });
    expect(cluster.backups).toEqual({
      bucket: 'acme-coder-backups',
      postgres: [
        {
          name: 'main-postgres-db',
          prefix: 'spilo/dev/main-postgres-db/main',
          schedule: '0 1 * * *',
        },
      ],
      restic: { prefix: 'coder/dev', password: 'restic-pw-abcdef' },
    });
    expect(cluster.kubernetes).toEqual({
      kind: 'gke',
      resourceName: GKE,
      auth: { type: 'google' },
    });
    expect(cluster.discovered).toEqual({ entityRef: 'resource:default/dev' });
    // No Coder Ingress in the cluster and the token Secret is not managed.
    expect(cluster.coder).toBeUndefined();
    expect(warnings).toEqual([
      expect.stringContaining(
        `discovered cluster "dev" (resource:default/dev): Coder left out: cluster "${GKE}": cannot read Ingress ${ns}/coder (coderPlatform.gke.coder.ingress, HTTP 404)`,
      ),
    ]);
    // Every credential read joined the cluster's secrets.
    expect(cluster.secrets.redact('kc-reader-secret-99 restic-pw-abcdef')).toBe(
      '*** ***',
    );
  });

  it('names the unmanaged Secret and never returns its value', async () => {
    const config = new ConfigReader({
      coderPlatform: {
        gcp: { endpoints: { container: gcp.endpointsConfig().container } },
        gke: { allowedProjects: ['acme-coder'] },
        discovery: {
          allowedHosts: ['coder.dev.example.com'],
          secrets: { coderToken: `${ns}/coder-session-token/session-token` },
        },
      },
    });
    const model = ClusterModel.fromConfig(config, {
      authClient: fixedTokenAuth(kube.PEERS_KUBE_TOKEN),
    });
    const { spec } = parseClusterEntity(
      {
        kind: 'Resource',
        metadata: {
          name: 'dev',
          annotations: {
            'coder-platform.io/cluster': 'dev',
            'coder-platform.io/gke-cluster': GKE,
            'coder-platform.io/coder-url': 'https://coder.dev.example.com',
          },
        },
        spec: { type: 'coder-cluster' },
      },
      {
        allowedProjects: ['acme-coder'],
        allowedHosts: ['coder.dev.example.com'],
      },
    );
    const { cluster, warnings } = await toClusterConfig(
      spec!,
      model,
      readDiscoverySettings(config),
    );
    expect(cluster.coder).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `Coder left out: coderPlatform.discovery.secrets.coderToken: Secret ${ns}/coder-session-token was not written by the suite (no label coder-platform.io/managed: "true")`,
    );
    expect(warnings[0]).not.toContain('coder-tok-1234');

    // The same entity with the token in a managed Secret: Coder at the allowed URL.
    await secret('coder-token-managed', { token: 'coder-tok-5678' }, true);
    const managed = new ConfigReader({
      coderPlatform: {
        gcp: { endpoints: { container: gcp.endpointsConfig().container } },
        gke: { allowedProjects: ['acme-coder'] },
        discovery: {
          allowedHosts: ['coder.dev.example.com'],
          secrets: { coderToken: `${ns}/coder-token-managed/token` },
        },
      },
    });
    const second = await toClusterConfig(
      spec!,
      ClusterModel.fromConfig(managed, {
        authClient: fixedTokenAuth(kube.PEERS_KUBE_TOKEN),
      }),
      readDiscoverySettings(managed),
    );
    expect(second.warnings).toEqual([]);
    expect(second.cluster.coder).toEqual({
      url: 'https://coder.dev.example.com',
      token: 'coder-tok-5678',
      organization: 'default',
      sessionTokenSecret: {
        namespace: ns,
        name: 'coder-token-managed',
        key: 'token',
      },
    });
  });
});
