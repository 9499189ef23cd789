import { ConfigReader } from '@backstage/config';
import { CLUSTER_TEMPLATE_PINNED_RELEASES } from '@coder-platform/plugin-coder-platform-common';
import { readClusterModelConfig, readClusters } from './readClusterConfig';

const read = (coderPlatform: Record<string, unknown>) =>
  readClusterModelConfig(new ConfigReader({ coderPlatform } as any));
const one = (entry: Record<string, unknown>) =>
  read({ clusters: [{ name: 'dev', ...entry }] }).clusters[0];

const KEY = JSON.stringify({
  type: 'service_account',
  private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
  private_key_id: 'key-id-1234',
});

describe('readClusterModelConfig', () => {
  it('reads every key of a cluster', () => {
    const c = one({
      title: 'Development',
      kubernetes: {
        url: 'https://34.1.2.3',
        caData: 'Y2E=',
        skipTLSVerify: false,
        auth: { type: 'token', token: 'sa-token' },
      },
      coder: {
        url: 'https://coder.example.com',
        token: 'coder-token',
        organization: 'platform',
        sessionTokenSecret: 'coder/admin-session/token',
      },
      keycloak: {
        baseUrl: 'https://auth.example.com',
        realm: 'example',
        loginRealm: 'example',
        clientId: 'portal',
        clientSecret: 'portal-secret',
        admin: {
          loginRealm: 'master',
          username: 'admin',
          password: 'admin-pw',
        },
      },
      backups: {
        bucket: 'backups',
        endpoint: 'http://127.0.0.1:4443',
        postgres: [
          {
            name: 'main',
            prefix: 'spilo/x',
            schedule: '00 01 * * *',
            retain: 5,
          },
        ],
        restic: {
          prefix: 'coder/dev',
          passwordSecret: 'coder/restic/password',
          httpsProxy: 'http://proxy:3128',
          caCertFile: '/etc/ca.pem',
        },
      },
      gcp: { projectId: 'acme-coder', credentials: KEY },
      pinnedReleases: [
        {
          release: 'coder',
          namespace: 'coder',
          chart: 'coder',
          version: '2.25.1',
        },
      ],
    });
    expect(c).toMatchObject({
      name: 'dev',
      title: 'Development',
      kubernetes: {
        kind: 'url',
        url: 'https://34.1.2.3',
        caData: 'Y2E=',
        skipTLSVerify: false,
        auth: { type: 'token', token: 'sa-token' },
      },
      coder: {
        url: 'https://coder.example.com',
        token: 'coder-token',
        organization: 'platform',
        sessionTokenSecret: {
          namespace: 'coder',
          name: 'admin-session',
          key: 'token',
        },
      },
      keycloak: {
        baseUrl: 'https://auth.example.com',
        realm: 'example',
        loginRealm: 'example',
        clientId: 'portal',
        clientSecret: 'portal-secret',
      },
      keycloakAdmin: {
        baseUrl: 'https://auth.example.com',
        loginRealm: 'master',
        credentials: {
          type: 'password',
          username: 'admin',
          password: 'admin-pw',
        },
      },
      backups: {
        bucket: 'backups',
        endpoint: 'http://127.0.0.1:4443',
        postgres: [
          {
            name: 'main',
            prefix: 'spilo/x',
            schedule: '00 01 * * *',
            retain: 5,
          },
        ],
        restic: {
          prefix: 'coder/dev',
          passwordSecret: {
            namespace: 'coder',
            name: 'restic',
            key: 'password',
          },
          httpsProxy: 'http://proxy:3128',
          caCertFile: '/etc/ca.pem',
        },
      },
      gcp: { projectId: 'acme-coder', credentials: KEY },
      pinnedReleases: [
        {
          release: 'coder',
          namespace: 'coder',
          chart: 'coder',
          version: '2.25.1',
        },
      ],
    });
    expect(new Set(c.secrets)).toEqual(
      new Set([
        'sa-token',
        'coder-token',
        'portal-secret',
        'admin-pw',
        KEY,
        '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
        'key-id-1234',
      ]),
    );
  });

  it('reads the token of token auth from kubernetes.auth.token (the key the actions once missed)', () => {
    expect(
      one({
        kubernetes: {
          url: 'https://10.0.0.1',
          auth: { type: 'token', token: 'from-auth-token' },
        },
      }).kubernetes,
    ).toEqual({
      kind: 'url',
      url: 'https://10.0.0.1',
      caData: undefined,
      skipTLSVerify: undefined,
      auth: { type: 'token', token: 'from-auth-token' },
    });
  });

  it('reads google, gke and kubeconfig auth, and defaults', () => {
    expect(
      one({ kubernetes: { url: 'https://10.0.0.1', auth: { type: 'google' } } })
        .kubernetes?.auth,
    ).toEqual({ type: 'google' });
    expect(
      one({
        kubernetes: {
          gke: 'projects/acme-coder/locations/europe-west1/clusters/dev',
        },
      }).kubernetes,
    ).toEqual({
      kind: 'gke',
      resourceName: 'projects/acme-coder/locations/europe-west1/clusters/dev',
      auth: { type: 'google' },
    });
    expect(
      one({
        kubernetes: {
          auth: { type: 'kubeconfig', kubeconfigPath: '/k', context: 'c' },
        },
      }).kubernetes,
    ).toEqual({
      kind: 'kubeconfig',
      auth: { type: 'kubeconfig', path: '/k', context: 'c' },
    });
    const minimal = one({
      coder: { url: 'https://coder.example.com' },
      keycloak: {
        baseUrl: 'https://auth.example.com',
        admin: { clientId: 'admin-cli-2', clientSecret: 'admin-secret' },
      },
    });
    expect(minimal).toMatchObject({
      title: 'dev',
      coder: {
        token: undefined,
        organization: 'default',
        sessionTokenSecret: {
          namespace: 'coder',
          name: 'coder-session-token',
          key: 'session-token',
        },
      },
      keycloak: undefined,
      keycloakAdmin: {
        loginRealm: 'master',
        credentials: {
          type: 'client',
          clientId: 'admin-cli-2',
          clientSecret: 'admin-secret',
        },
      },
      pinnedReleases: CLUSTER_TEMPLATE_PINNED_RELEASES,
    });
  });

  it('reads coderPlatform.gke, readableSecrets and the Google identity', () => {
    const settings = read({
      gke: {
        allowedProjects: ['acme-coder', 'acme-prod'],
        keycloak: {
          ingress: 'auth/keycloak',
          adminSecret: 'auth/kc-admin',
          loginRealm: 'admins',
        },
        coder: {
          ingress: 'coder/coder-ui',
          sessionTokenSecret: 'coder/token/value',
        },
      },
      clusterActions: { readableSecrets: ['postgres/zalando-creds'] },
      gcp: {
        keyFilename: '/keys/sa.json',
        callTimeoutSeconds: 20,
        endpoints: {
          container: { apiEndpoint: '127.0.0.1', port: 9000, plaintext: true },
        },
      },
    });
    expect(settings).toEqual({
      clusters: [],
      gke: {
        allowedProjects: ['acme-coder', 'acme-prod'],
        keycloak: {
          ingress: { namespace: 'auth', name: 'keycloak' },
          adminSecret: { namespace: 'auth', name: 'kc-admin' },
          loginRealm: 'admins',
        },
        coder: {
          ingress: { namespace: 'coder', name: 'coder-ui' },
          sessionTokenSecret: {
            namespace: 'coder',
            name: 'token',
            key: 'value',
          },
        },
      },
      readableSecrets: [{ namespace: 'postgres', name: 'zalando-creds' }],
      google: {
        keyFilename: '/keys/sa.json',
        containerEndpoint: {
          apiEndpoint: '127.0.0.1',
          port: 9000,
          plaintext: true,
        },
        callTimeoutMs: 20_000,
      },
    });
    expect(read({}).gke).toEqual({
      allowedProjects: [],
      keycloak: {
        ingress: { namespace: 'keycloak', name: 'keycloak' },
        adminSecret: { namespace: 'keycloak', name: 'keycloak-admin' },
        loginRealm: 'master',
      },
      coder: {
        ingress: { namespace: 'coder', name: 'coder' },
        sessionTokenSecret: {
          namespace: 'coder',
          name: 'coder-session-token',
          key: 'session-token',
        },
      },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an invalid name',
      { clusters: [{ name: 'Dev_1' }] },
      'coderPlatform.clusters[0].name "Dev_1" is not a valid cluster name',
    ],
    [
      'a duplicate name',
      { clusters: [{ name: 'dev' }, { name: 'dev' }] },
      'coderPlatform.clusters[1].name "dev" is used by more than one cluster',
    ],
    ['a missing name', { clusters: [{}] }, 'coderPlatform.clusters[0].name'],
    [
      'an unknown auth type',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: { url: 'https://x', auth: { type: 'basic' } },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.auth.type must be "token", "google" or "kubeconfig", got "basic"',
    ],
    [
      'no auth type',
      { clusters: [{ name: 'dev', kubernetes: { url: 'https://x' } }] },
      'coderPlatform.clusters[0].kubernetes.auth.type must be "token", "google" or "kubeconfig", got "undefined"',
    ],
    [
      'token auth without token',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: { url: 'https://x', auth: { type: 'token' } },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.auth.token',
    ],
    [
      'the old top-level token',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: {
              url: 'https://x',
              token: 't',
              auth: { type: 'token' },
            },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.auth.token',
    ],
    [
      'a URL that is not http(s)',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: { url: 'ftp://x', auth: { type: 'google' } },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.url "ftp://x" is not an http(s) URL',
    ],
    [
      'no url',
      { clusters: [{ name: 'dev', kubernetes: { auth: { type: 'google' } } }] },
      'coderPlatform.clusters[0].kubernetes.url is required with auth.type google',
    ],
    [
      'url and gke',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: {
              url: 'https://x',
              gke: 'projects/acme-coder/locations/europe-west1/clusters/dev',
            },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes: give url or gke, not both',
    ],
    [
      'a malformed gke name',
      { clusters: [{ name: 'dev', kubernetes: { gke: 'acme/dev' } }] },
      'coderPlatform.clusters[0].kubernetes.gke "acme/dev" is not a GKE resource name',
    ],
    [
      'gke with token auth',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: {
              gke: 'projects/acme-coder/locations/europe-west1/clusters/dev',
              auth: { type: 'token', token: 't' },
            },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.auth.type must be "google" with gke',
    ],
    [
      'kubeconfig with url',
      {
        clusters: [
          {
            name: 'dev',
            kubernetes: {
              url: 'https://x',
              auth: { type: 'kubeconfig', kubeconfigPath: '/k' },
            },
          },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.url: not allowed with auth.type kubeconfig',
    ],
    [
      'kubeconfig without path',
      {
        clusters: [
          { name: 'dev', kubernetes: { auth: { type: 'kubeconfig' } } },
        ],
      },
      'coderPlatform.clusters[0].kubernetes.auth.kubeconfigPath',
    ],
    [
      'coder without url',
      { clusters: [{ name: 'dev', coder: { token: 't' } }] },
      'coderPlatform.clusters[0].coder.url',
    ],
    [
      'a malformed sessionTokenSecret',
      {
        clusters: [
          {
            name: 'dev',
            coder: { url: 'https://c', sessionTokenSecret: 'coder/x' },
          },
        ],
      },
      'coderPlatform.clusters[0].coder.sessionTokenSecret must be "namespace/name/key", got "coder/x"',
    ],
    [
      'keycloak with neither reader nor admin',
      { clusters: [{ name: 'dev', keycloak: { baseUrl: 'https://k' } }] },
      'coderPlatform.clusters[0].keycloak needs realm + clientId + clientSecret',
    ],
    [
      'a half reader',
      {
        clusters: [
          { name: 'dev', keycloak: { baseUrl: 'https://k', realm: 'r' } },
        ],
      },
      'coderPlatform.clusters[0].keycloak.clientId',
    ],
    [
      'an admin with both kinds of credentials',
      {
        clusters: [
          {
            name: 'dev',
            keycloak: {
              baseUrl: 'https://k',
              admin: { username: 'a', clientId: 'c' },
            },
          },
        ],
      },
      'coderPlatform.clusters[0].keycloak.admin needs either username + password or clientId + clientSecret',
    ],
    [
      'an admin without password',
      {
        clusters: [
          {
            name: 'dev',
            keycloak: { baseUrl: 'https://k', admin: { username: 'a' } },
          },
        ],
      },
      'coderPlatform.clusters[0].keycloak.admin.password',
    ],
    [
      'restic without password',
      {
        clusters: [
          { name: 'dev', backups: { bucket: 'b', restic: { prefix: 'p' } } },
        ],
      },
      'coderPlatform.clusters[0].backups.restic needs password or passwordSecret',
    ],
    [
      'a malformed passwordSecret',
      {
        clusters: [
          {
            name: 'dev',
            backups: {
              bucket: 'b',
              restic: { prefix: 'p', passwordSecret: 'a/b' },
            },
          },
        ],
      },
      'coderPlatform.clusters[0].backups.restic.passwordSecret must be "namespace/name/key", got "a/b"',
    ],
    [
      'a bad retain',
      {
        clusters: [
          {
            name: 'dev',
            backups: {
              bucket: 'b',
              postgres: [
                { name: 'm', prefix: 'p', schedule: '* * * * *', retain: 0 },
              ],
            },
          },
        ],
      },
      'coderPlatform.clusters[0].backups.postgres[0].retain must be a positive integer',
    ],
    [
      'gcp credentials that are no JSON key',
      {
        clusters: [
          { name: 'dev', gcp: { projectId: 'p', credentials: 'not-json' } },
        ],
      },
      'coderPlatform.clusters[0].gcp.credentials is not a service account key in JSON',
    ],
    [
      'an allowed project that is no project id',
      { gke: { allowedProjects: ['Not A Project'] } },
      'coderPlatform.gke.allowedProjects[0] "Not A Project" is not a GCP project id',
    ],
    [
      'a malformed gke ingress',
      { gke: { keycloak: { ingress: 'keycloak' } } },
      'coderPlatform.gke.keycloak.ingress must be "namespace/name", got "keycloak"',
    ],
    [
      'a malformed readable Secret',
      { clusterActions: { readableSecrets: ['just-a-name'] } },
      'coderPlatform.clusterActions.readableSecrets[0] must be "namespace/name", got "just-a-name"',
    ],
    [
      'the old clusterActions.clusters list',
      { clusterActions: { clusters: [{ name: 'x', kubeconfigPath: '/k' }] } },
      'coderPlatform.clusterActions.clusters is no longer read: list each cluster once in coderPlatform.clusters[]',
    ],
  ])('rejects %s, naming the config path', (_what, coderPlatform, message) => {
    expect(() => read(coderPlatform)).toThrow(message);
  });

  it('readClusters returns the clusters only', () => {
    expect(
      readClusters(
        new ConfigReader({ coderPlatform: { clusters: [{ name: 'a' }] } }),
      ).map(c => c.name),
    ).toEqual(['a']);
  });
});
