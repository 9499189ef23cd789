import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// test only: the real coder-platform plugin next to the real catalog
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import coderPlatformPlugin, {
  googleAuthServiceRef,
} from '@coder-platform/plugin-coder-platform-backend';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { googleAuthLibrary } from 'google-gax';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CoderContractServer } from '../coder/CoderContractServer';
import { GcpContractServer } from '../gcp';
import { requirePeer } from '../peers/peersEnv';

/*
 * A created cluster shows up without a restart: the real catalog backend reads
 * a fixture location; the GKE contract server answers the cluster's resource
 * name with the local kube peer's endpoint and CA; the Coder token lives in a
 * managed Secret of that kube peer; the Coder contract server answers.
 */

const GKE = 'projects/acme-coder/locations/europe-west1/clusters/dev';
const EVIL = 'projects/evil-project/locations/europe-west1/clusters/dev';
const USER = mockCredentials.user.header();

function resource(
  name: string,
  annotations: Record<string, string>,
): Record<string, unknown> {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, annotations },
    spec: { type: 'coder-cluster', owner: 'platform' },
  };
}

function writeCatalog(file: string, entities: Record<string, unknown>[]) {
  writeFileSync(file, entities.map(e => JSON.stringify(e)).join('\n---\n'));
}

describe('clusters discovered from the catalog', () => {
  jest.setTimeout(120_000);
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
  ]);
  const namespace = `h11-discovery-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'cluster-discovery-'));
  const catalogFile = path.join(dir, 'catalog-info.yaml');
  let core: CoreV1Api;
  let gcp: GcpContractServer;
  let coder: CoderContractServer;
  let coderToken: string;
  let initial: Record<string, unknown>[] = [];
  let baseUrl: string;
  // A host no config trusts: a rogue entity's coder-url points here.
  let rogue: Server;
  const rogueRequests: string[] = [];

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
    await core.createNamespace({ body: { metadata: { name: namespace } } });

    rogue = createServer((req, res) => {
      rogueRequests.push(
        `${req.method} ${req.url} ${req.headers['coder-session-token'] ?? ''}`,
      );
      res.end('{}');
    });
    await new Promise<void>(resolve => rogue.listen(0, '127.0.0.1', resolve));
    const rogueUrl = `http://127.0.0.1:${
      (rogue.address() as AddressInfo).port
    }`;

    coder = await CoderContractServer.start({ version: 'v2.26.4' });
    coderToken = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'discovery-admin-pw',
    });
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: 'coder-session-token',
          labels: { 'coder-platform.io/managed': 'true' },
        },
        stringData: { 'session-token': coderToken },
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

    // The backend's Google identity: a fixed access token, which the GKE
    // contract server accepts and the kube peer takes as its bearer token.
    const authClient = new googleAuthLibrary.OAuth2Client({
      transporterOptions: { fetchImplementation: globalThis.fetch as any },
    });
    authClient.setCredentials({
      access_token: kube.PEERS_KUBE_TOKEN,
      expiry_date: Date.now() + 3_600_000,
    });

    // At start the catalog has no dev cluster: a foreign project's, a
    // configured name's and a rogue Resource (URL of an untrusted host) only.
    initial = [
      resource('rogue', {
        'coder-platform.io/cluster': 'rogue',
        'coder-platform.io/gke-cluster': GKE,
        'coder-platform.io/coder-url': rogueUrl,
      }),
      resource('evil', {
        'coder-platform.io/cluster': 'evil',
        'coder-platform.io/gke-cluster': EVIL,
      }),
      resource('dev-config', {
        'coder-platform.io/cluster': 'dev-config',
        'coder-platform.io/gke-cluster': GKE,
      }),
    ];
    writeCatalog(catalogFile, initial);

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        coderPlatformPlugin,
        // AuthorizeResult.ALLOW (plugin-permission-common is not a dependency here)
        mockServices.permissions.factory({ result: 'ALLOW' } as any),
        createServiceFactory({
          service: googleAuthServiceRef,
          deps: {},
          factory: () => ({ authClient }),
        }),
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Resource', 'Location'] }],
              locations: [{ type: 'file', target: catalogFile }],
            },
            coderPlatform: {
              clusters: [{ name: 'dev-config', title: 'Configured' }],
              refresh: { enabled: false },
              gcp: {
                endpoints: { container: gcp.endpointsConfig().container },
              },
              gke: {
                allowedProjects: ['acme-coder'],
                // no Coder Ingress there: only an allowed coder-url gives Coder
                coder: { ingress: `${namespace}/coder` },
              },
              discovery: {
                frequencySeconds: 3600,
                onDemandMinIntervalSeconds: 1,
                allowedHosts: [new URL(coder.url).host],
                secrets: {
                  coderToken: `${namespace}/coder-session-token/session-token`,
                },
              },
            },
          },
        }),
      ],
    });
    baseUrl = `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }`;
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    await coder?.stop();
    await new Promise(resolve => rogue?.close(resolve));
    await gcp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  interface Answer {
    status: number;
    text: string;
    body: any;
  }
  async function get(pathname: string): Promise<Answer> {
    const response = await fetch(`${baseUrl}${pathname}`, {
      headers: { Authorization: USER },
    });
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, text, body };
  }

  async function poll(
    what: string,
    fn: () => Promise<Answer>,
    done: (r: Answer) => boolean,
  ): Promise<Answer> {
    let last: Answer | undefined;
    for (let attempt = 0; attempt < 60; attempt++) {
      last = await fn();
      if (done(last)) return last;
      await new Promise(resolve => setTimeout(resolve, 1100));
    }
    throw new Error(
      `${what}: last answer ${last?.status} ${last?.text.slice(0, 300)}`,
    );
  }

  it('lists, then serves, a cluster whose Resource appears after start-up; an untrusted coder-url gets no request', async () => {
    await poll(
      'catalog ingests the first fixture',
      () => get('/api/catalog/entities/by-name/resource/default/evil'),
      r => r.status === 200,
    );
    const unknown = await get('/api/coder-platform/clusters/dev/coder');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain(
      'or discovered from a coder-cluster Resource of the catalog',
    );

    writeCatalog(catalogFile, [
      ...initial,
      resource('dev', {
        'coder-platform.io/cluster': 'dev',
        'coder-platform.io/gke-cluster': GKE,
        'coder-platform.io/coder-url': coder.url,
      }),
    ]);
    await poll(
      'catalog ingests the dev Resource',
      () => get('/api/catalog/entities/by-name/resource/default/dev'),
      r => r.status === 200,
    );

    const overview = await poll(
      'GET /clusters/dev/coder',
      () => get('/api/coder-platform/clusters/dev/coder'),
      r => r.status !== 404,
    );
    expect(overview.status).toBe(200);
    expect(overview.body.cluster).toBe('dev');
    expect(overview.body.buildInfo.version).toContain('v2.26.4');
    // The token read from the managed Secret went with every authenticated call.
    const authenticated = coder.requests.filter(r =>
      /^\/api\/v2\/(deployment|templates|organizations)/.test(r.path),
    );
    expect(authenticated.length).toBeGreaterThan(0);
    expect(authenticated.every(r => r.authenticated)).toBe(true);

    const list = await get('/api/coder-platform/clusters');
    expect(list.status).toBe(200);
    // Configured first, then discovered in the catalog's order: compare by name.
    const byName = (a: any, b: any) => a.name.localeCompare(b.name);
    expect(list.body.items[0].name).toBe('dev-config');
    expect([...list.body.items].sort(byName)).toEqual([
      {
        name: 'dev',
        title: 'dev',
        upstreams: {
          coder: true,
          keycloak: false,
          postgresBackups: false,
          workspaceBackups: false,
          kubernetes: true,
        },
        source: 'catalog',
        entityRef: 'resource:default/dev',
      },
      {
        name: 'dev-config',
        title: 'Configured',
        upstreams: {
          coder: false,
          keycloak: false,
          postgresBackups: false,
          workspaceBackups: false,
          kubernetes: false,
        },
      },
      {
        name: 'rogue',
        title: 'rogue',
        upstreams: {
          coder: false,
          keycloak: false,
          postgresBackups: false,
          workspaceBackups: false,
          kubernetes: true,
        },
        source: 'catalog',
        entityRef: 'resource:default/rogue',
      },
    ]);
    expect(list.text).not.toContain(coderToken);
    expect(overview.text).not.toContain(coderToken);
    expect(list.text).not.toContain(kube.PEERS_KUBE_URL);

    // The rogue entity's URL is not trusted: its Coder is left out and the
    // untrusted host never saw a request, let alone the token.
    const rogueCoder = await get('/api/coder-platform/clusters/rogue/coder');
    expect(rogueCoder.status).toBe(404);
    expect(rogueCoder.body.error.message).toContain(
      'Cluster rogue has no coder configured',
    );
    expect(rogueRequests).toEqual([]);
  });
});
