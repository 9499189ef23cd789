import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoderContractServer, InMemoryBucket } from '@coder-platform/testing';
import type { Bucket } from '@google-cloud/storage';
import { ClusterActionsOptions } from './clusterAccess';
import { createCoderBootstrapAction } from './coderBootstrap';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { createHelmReleaseAction } from './helmRelease';
import { createKeycloakClientAction } from './keycloakClient';
import { createKeycloakRealmAction } from './keycloakRealm';
import { createKubernetesApplyAction } from './kubernetesApply';
import { createPostgresGuardAction } from './postgresGuard';
import { createKeycloakGroupAction } from './keycloakGroup';
import { createKubernetesDeleteAction } from './kubernetesDelete';
import { createKubernetesSecretAction } from './kubernetesSecret';
import { mockContext } from './__testUtils__/context';
import { fakeHelm } from './__testUtils__/fakeHelm';
import {
  fakeKeycloakBlock,
  startFakeKeycloak,
} from './__testUtils__/fakeKeycloak';
import { kubeClusterEntry, startFakeKube } from './__testUtils__/fakeKube';
import { startGke } from './__testUtils__/gke';
import { startRecordingServer } from './__testUtils__/recordingServer';

/**
 * Every in-cluster action refuses a `cluster` the backend does not trust
 * (an endpoint, the old endpoint + CA object, a GKE name in a project that
 * is not allowed, an unknown name) with an error naming the field, and no
 * server, trusted or not, receives a request: no credential was sent.
 */
describe('trusted targets: untrusted clusters are refused before any credential is used', () => {
  jest.setTimeout(60_000);
  const mockDir = createMockDirectory();
  let attacker: Awaited<ReturnType<typeof startRecordingServer>>;
  let kube: Awaited<ReturnType<typeof startFakeKube>>;
  let keycloak: Awaited<ReturnType<typeof startFakeKeycloak>>;
  let coder: CoderContractServer;
  let gke: Awaited<ReturnType<typeof startGke>>;
  let options: ClusterActionsOptions;

  beforeAll(async () => {
    attacker = await startRecordingServer();
    kube = await startFakeKube(
      {
        'coder/foreign': { 'session-token': 'foreign-token' },
        'coder/listed': { 'session-token': 'listed-token' },
      },
      undefined,
      { 'coder/foreign': {}, 'coder/listed': {} },
    );
    keycloak = await startFakeKeycloak();
    coder = await CoderContractServer.start();
    gke = await startGke(attacker.url);
    const helm = fakeHelm();
    options = {
      config: new ConfigReader({
        coderPlatform: {
          ...gke.config,
          clusterActions: {
            helm: { binary: helm.bin },
            readableSecrets: ['coder/listed'],
          },
          clusters: [
            kubeClusterEntry('dev', kube.url, {
              keycloak: fakeKeycloakBlock(keycloak.url),
              coder: { url: coder.url },
            }),
          ],
        },
      }),
      authClient: gke.authClient,
      pollIntervalMs: 5,
      gcsBucket: () => new InMemoryBucket() as unknown as Bucket,
    };
    mockDir.setContent({ 'devbox/main.tf': '# devbox\n' });
  });
  afterAll(async () => {
    await Promise.all([
      attacker.stop(),
      kube.stop(),
      keycloak.stop(),
      coder.stop(),
      gke.stop(),
    ]);
  });

  const nothingSent = () => {
    expect(attacker.requests).toEqual([]);
    expect(kube.requests).toEqual([]);
    expect(keycloak.requests).toEqual([]);
    expect(coder.requests).toEqual([]);
    expect(gke.getClusterCalls()).toBe(0);
  };

  const actions: Array<
    [
      string,
      (o: ClusterActionsOptions) => { handler: (ctx: any) => Promise<void> },
      Record<string, unknown>,
    ]
  > = [
    [
      'kubernetes:apply',
      createKubernetesApplyAction,
      { manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
    ],
    [
      'helm:release',
      createHelmReleaseAction,
      {
        name: 'demo',
        namespace: 'demo',
        repoUrl: 'https://charts.example.com',
        chart: 'demo',
        version: '1.2.3',
      },
    ],
    ['keycloak:realm', createKeycloakRealmAction, { realm: 'example-com' }],
    [
      'keycloak:client',
      createKeycloakClientAction,
      {
        realm: 'example-com',
        clientId: 'coder',
        rootUrl: 'https://coder.example.com',
        secret: { name: 'coder-oidc', namespace: 'coder' },
      },
    ],
    ['coder:bootstrap', createCoderBootstrapAction, { email: 'a@example.com' }],
    [
      'coder:template:push',
      createCoderTemplatePushAction,
      { name: 'devbox', directory: 'devbox' },
    ],
    [
      'coder-platform:postgres:guard',
      createPostgresGuardAction,
      {
        bucket: 'backups',
        scopePrefix: 'dev/',
        scope: 'main-postgres-db',
        pgVersion: 14,
        postgresql: { name: 'main-postgres-db', namespace: 'postgres' },
      },
    ],
    [
      'kubernetes:secret',
      createKubernetesSecretAction,
      {
        namespace: 'keycloak',
        name: 'keycloak-admin',
        literals: { username: 'admin' },
      },
    ],
    [
      'kubernetes:delete',
      createKubernetesDeleteAction,
      { objects: [{ kind: 'Namespace', names: ['coder'] }] },
    ],
    [
      'keycloak:group',
      createKeycloakGroupAction,
      { realm: 'example-com', groups: [{ name: 'grafana-admin' }] },
    ],
  ];

  const untrusted = (url: string): Array<[string, unknown, string]> => [
    ['an endpoint', url, 'cluster: "http://127.0.0.1'],
    [
      'the old endpoint + CA input',
      { endpoint: url, caCertificate: 'Y2E=' },
      'cluster: give a cluster name from coderPlatform.clusters or a GKE resource name',
    ],
    [
      'a GKE cluster of a project that is not allowed',
      'projects/someone-elses/locations/europe-west1/clusters/dev',
      'cluster: project "someone-elses" is not in coderPlatform.gke.allowedProjects',
    ],
    [
      'an unknown cluster name',
      'prod',
      'cluster: "prod" is neither a cluster of coderPlatform.clusters (dev) nor a GKE resource name',
    ],
  ];

  describe.each(actions)('%s', (_id, create, base) => {
    it.each([
      'an endpoint',
      'the old endpoint + CA input',
      'a GKE cluster of a project that is not allowed',
      'an unknown cluster name',
    ])('refuses %s', async label => {
      const [, cluster, message] = untrusted(attacker.url).find(
        u => u[0] === label,
      )!;
      const ctx = mockContext(
        { ...base, cluster },
        {
          workspacePath: mockDir.path,
          secrets: {
            coderAdminPassword: 'pa55word-admin',
            coderSessionToken: 'task-token',
          },
        },
      );
      await expect(create(options).handler(ctx)).rejects.toThrow(message);
      nothingSent();
    });
  });

  describe('Secrets the actions read', () => {
    afterEach(() => {
      kube.requests.length = 0;
      coder.requests.length = 0;
    });

    it('coder:template:push refuses a session-token Secret without the managed label, naming the field; Coder receives nothing', async () => {
      const ctx = mockContext(
        {
          cluster: 'dev',
          name: 'devbox',
          directory: 'devbox',
          sessionToken: {
            kubernetesSecret: { name: 'foreign', namespace: 'coder' },
          },
        },
        { workspacePath: mockDir.path },
      );
      await expect(
        createCoderTemplatePushAction(options).handler(ctx),
      ).rejects.toThrow(
        'sessionToken.kubernetesSecret: Secret coder/foreign was not written by the suite (no label coder-platform.io/managed: "true") and is not listed in coderPlatform.clusterActions.readableSecrets',
      );
      expect(coder.requests).toEqual([]);
      expect(attacker.requests).toEqual([]);
    });

    it('coder:template:push reads a Secret listed in readableSecrets and sends it to the configured Coder only', async () => {
      const ctx = mockContext(
        {
          cluster: 'dev',
          name: 'devbox',
          directory: 'devbox',
          sessionToken: {
            kubernetesSecret: { name: 'listed', namespace: 'coder' },
          },
        },
        { workspacePath: mockDir.path },
      );
      // listed-token is no valid Coder token: the contract server says 401.
      await expect(
        createCoderTemplatePushAction(options).handler(ctx),
      ).rejects.toThrow('HTTP 401');
      expect(coder.requests.length).toBeGreaterThan(0);
      expect(attacker.requests).toEqual([]);
    });

    it('coder:bootstrap refuses to probe Coder with a token from a Secret the suite did not write', async () => {
      const ctx = mockContext(
        {
          cluster: 'dev',
          email: 'a@example.com',
          secret: { name: 'foreign', namespace: 'coder' },
        },
        { secrets: { coderAdminPassword: 'pa55word-admin' } },
      );
      await expect(
        createCoderBootstrapAction(options).handler(ctx),
      ).rejects.toThrow(
        'secret: Secret coder/foreign was not written by the suite',
      );
      // Only the unauthenticated first-user probe reached Coder.
      expect(coder.requests.every(r => !r.authenticated)).toBe(true);
    });
  });
});
