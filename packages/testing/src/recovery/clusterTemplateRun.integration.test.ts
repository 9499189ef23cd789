/*
 * The coder-development-cluster template run for real, as far as the local
 * servers go: a real scaffolder backend process (recoveryBackend.ts) runs
 * gcp-project-bootstrap and then the whole cluster template.
 * - Google APIs are the contract servers; the GKE cluster the template
 *   creates is backed by the local API server (the peer, behind a recording
 *   proxy), which accepts the backend's Google token as GKE would.
 * - Helm is the real helm, installing local stand-in charts (no kubelet)
 *   through `coderPlatform.clusterActions.helm.repositoryMirrors`.
 * - The new cluster's public hosts (keycloak.<cluster>.<domain>, coder...)
 *   reach the Keycloak peer and the Coder contract server through an
 *   ingress router that reads the cluster's Ingress objects: the test's DNS
 *   and load balancer.
 * - cert-manager and the postgres-operator are stand-ins that do what their
 *   controllers would (a Ready certificate, the database credential Secrets).
 *
 * One uninterrupted run gives the mutations of one run per upstream. A
 * second run, in its own project, is SIGKILLed twice (while Keycloak creates
 * the realm, and while the API server applies Coder's RBAC), recovered by a
 * new process each time, and must finish with the same mutations: calls
 * made twice, none.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  StorageV1Api,
} from '@kubernetes/client-node';
import { CoderContractServer } from '../coder/CoderContractServer';
import { CertManagerStandIn, PostgresOperatorStandIn } from '../controllers';
import { kubeProxyCertificate } from '../faults/proxiedUpstreams';
import { LocalChartRepository } from '../helm/LocalChartRepository';
import { templateChartVersions } from '../helm/templateHelmReleases';
import { IngressRouter } from '../ingress/IngressRouter';
import { requirePeer } from '../peers/peersEnv';
import { RecordingPrefixProxy } from '../replicas/RecordingPrefixProxy';
import {
  formValues,
  suiteTemplate,
  TEMPLATES_DIR,
} from '../templates/__testUtils__/suiteTemplates';
import {
  RecoveryBackends,
  stepsRun,
  stepsSkippedAsCompleted,
} from './__testUtils__/recoveryHarness';

jest.setTimeout(1_500_000);

const RUN = randomBytes(3).toString('hex');
/** Every public host of the runs ends in this (the router's domain). */
const DOMAIN = `spaces-${RUN}.coder-platform.test`;
const BOOTSTRAP = 'template:default/gcp-project-bootstrap';
const CLUSTER = 'template:default/coder-development-cluster';
const CLUSTER_FILE = path.join(
  TEMPLATES_DIR,
  'coder-development-cluster/template.yaml',
);

/** The namespaces the cluster template installs into (fixed by the template). */
const NAMESPACES = [
  'cert-manager',
  'nginx-ingress',
  'postgres',
  'keycloak',
  'oauth2-proxy',
  'coder',
  'monitoring',
];

/** Steps a default form skips (`if:`): SMTP, and the catalog pull request. */
const SKIPPED = ['smtp-secret', 'realm-smtp', 'publish-entity', 'register'];

const kube = requirePeer('kube', [
  'PEERS_KUBE_URL',
  'PEERS_KUBE_TOKEN',
  'PEERS_KUBE_CA_FILE',
]);
const keycloakPeer = requirePeer('keycloak', [
  'PEERS_KEYCLOAK_URL',
  'PEERS_KEYCLOAK_ADMIN_PASSWORD',
]);
const helmPeer = requirePeer('helm', ['PEERS_HELM_BIN']);
const gcsPeer = requirePeer('gcs', ['PEERS_GCS_URL']);

function kubeConfig(): KubeConfig {
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
  return kc;
}

/**
 * Removes what a run of the template left in the (one, shared) API server:
 * its namespaces, waited for until gone, and the cluster-scoped objects it
 * creates (the CRDs stay: helm installs a chart's crds/ only when absent).
 */
async function resetCluster(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const ignore404 = (e: any) => {
    if ((e?.code ?? e?.statusCode) !== 404) throw e;
  };
  await Promise.all(
    NAMESPACES.map(name => core.deleteNamespace({ name }).catch(ignore404)),
  );
  await Promise.all([
    ...['zalando-postgres-viewer', 'coder-developer'].map(name =>
      rbac.deleteClusterRole({ name }).catch(ignore404),
    ),
    ...[
      'coder-cluster-admin',
      'coder-developer',
      'coder-developer-cluster-view',
    ].map(name => rbac.deleteClusterRoleBinding({ name }).catch(ignore404)),
    kc
      .makeApiClient(StorageV1Api)
      .deleteStorageClass({ name: 'immediate-rwo' })
      .catch(ignore404),
    kc
      .makeApiClient(NetworkingV1Api)
      .deleteIngressClass({ name: 'nginx-public' })
      .catch(ignore404),
  ]);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const left = (await core.listNamespace()).items
      .map(n => n.metadata!.name!)
      .filter(n => NAMESPACES.includes(n));
    if (left.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`namespaces still terminating: ${left.join(', ')}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/** Mutating requests by `METHOD path`, with a run's own names made generic. */
function countMutations(
  requests: Array<{ method: string; path: string; host?: string }>,
  names: Record<string, string>,
  exclude: RegExp[] = [],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    if (['GET', 'HEAD', 'OPTIONS'].includes(r.method)) continue;
    if (exclude.some(e => e.test(r.path))) continue;
    let key = `${r.method} ${r.host ?? ''}${r.path.split('?')[0]}`;
    // Ids an upstream chose (Keycloak's clients, groups, users), before the
    // run's names (a short cluster name may occur inside an id).
    key = key.replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      '<id>',
    );
    for (const [value, generic] of Object.entries(names))
      key = key.split(value).join(generic);
    if (exclude.some(e => e.test(key))) continue;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Keycloak and Coder logins are not mutations of the cluster: a restarted
 * process logs in again.
 */
const LOGINS = [
  /\/protocol\/openid-connect\/token$/,
  /\/api\/v2\/users\/login$/,
];

interface RunNames {
  suffix: string;
  projectId: string;
  clusterName: string;
  realm: string;
  bucket: string;
}

const runNames = (suffix: string): RunNames => ({
  suffix,
  projectId: `acme-${suffix}-${RUN}`,
  clusterName: `c${suffix}`,
  realm: `realm-${suffix}-${RUN}`,
  bucket: `coder-run-${suffix}-${RUN}`,
});

/** The run's own names, replaced in request keys to compare two runs. */
const generic = (n: RunNames): Record<string, string> => ({
  [n.projectId]: '<project>',
  [n.realm]: '<realm>',
  [n.bucket]: '<bucket>',
  [`${n.clusterName}.${DOMAIN}`]: '<cluster>.<domain>',
  [`${n.clusterName}-`]: '<cluster>-',
  [`/${n.clusterName}/`]: '/<cluster>/',
});

describe('coder-development-cluster run for real (contract servers, local API server, helm, Keycloak)', () => {
  const kc = kubeConfig();
  const template = suiteTemplate('coder-development-cluster');
  const charts = new LocalChartRepository({
    versions: templateChartVersions(readFileSync(CLUSTER_FILE, 'utf8')),
  });
  const router = new IngressRouter();
  const certManager = new CertManagerStandIn();
  const postgresOperator = new PostgresOperatorStandIn({
    inheritedLabels: ['coder-platform.io/managed'],
  });
  let kubeProxy: RecordingPrefixProxy;
  let coder: CoderContractServer;
  let backends: RecoveryBackends;

  const secrets = {
    coderAdminPassword: `coder-admin-${randomBytes(6).toString('hex')}`,
    // The Keycloak the router serves is the peer: its admin's password.
    keycloakAdminPassword: keycloakPeer.PEERS_KEYCLOAK_ADMIN_PASSWORD,
  };

  /** Starts a Coder contract server for one run and routes coder/coder to it. */
  const freshCoder = async () => {
    await coder?.stop();
    coder = await CoderContractServer.start();
    router.route('coder/coder', coder.url);
  };

  const bootstrap = async (n: RunNames) => {
    backends.gcp.rest.storage.addBucket(n.bucket);
    const id = await backends.createTask(
      BOOTSTRAP,
      formValues(suiteTemplate('gcp-project-bootstrap').entity, {
        projectId: n.projectId,
        domainName: DOMAIN,
        managedZone: `zone-${n.suffix}`,
        bucketName: n.bucket,
      }),
    );
    await backends.waitForEnd(id);
    const outcome = await backends.outcome(id);
    if (outcome.status !== 'completed')
      throw new Error(`bootstrap of ${n.projectId}: ${outcome.failure}`);
  };

  const clusterValues = (n: RunNames) =>
    formValues(
      template.entity,
      {
        projectId: n.projectId,
        clusterName: n.clusterName,
        domainName: DOMAIN,
        managedZone: `zone-${n.suffix}`,
        bucketName: n.bucket,
        keycloakRealm: n.realm,
        adminEmail: `admin@${DOMAIN}`,
        catalogOwner: 'group:default/platform-team',
      },
      secrets,
    );

  /** Every upstream's record since the last reset. */
  const resetRecords = () => {
    backends.gcp.calls.reset();
    kubeProxy.requests.length = 0;
    router.reset();
  };
  const mutations = (n: RunNames) => ({
    gcp: Object.fromEntries(
      backends.gcp.calls
        .mutations()
        .map(rpc => [rpc, backends.gcp.calls.byRpc()[rpc]]),
    ),
    kubernetes: countMutations(kubeProxy.requests, generic(n), [/dryRun=/]),
    // Keycloak and Coder, by public host.
    ingress: countMutations(router.requests(), generic(n), LOGINS),
  });

  let reference: {
    names: RunNames;
    taskId: string;
    mutations: ReturnType<typeof mutations>;
  };

  beforeAll(async () => {
    await resetCluster(kc);
    await charts.start();
    await router.start();
    router.route('keycloak/keycloak', keycloakPeer.PEERS_KEYCLOAK_URL);
    await freshCoder();
    await certManager.start();
    await postgresOperator.start();
    kubeProxy = await RecordingPrefixProxy.start(kube.PEERS_KUBE_URL, {
      ca: readFileSync(kube.PEERS_KUBE_CA_FILE),
      tls: await kubeProxyCertificate(),
    });
    const a = runNames('a');
    const b = runNames('b');
    backends = new RecoveryBackends({
      templateFiles: [
        path.join(TEMPLATES_DIR, 'gcp-project-bootstrap/template.yaml'),
        CLUSTER_FILE,
      ],
      staleTimeoutSeconds: 3,
      // A new pod: the killed process's task workspace is not there.
      freshWorkingDirectory: true,
      // GKE accepts the backend's Google token; the local API server this one.
      accessToken: kube.PEERS_KUBE_TOKEN,
      allowedProjects: [a.projectId, b.projectId],
      env: {
        RECOVERY_INGRESS_ROUTER_URL: router.url,
        RECOVERY_INGRESS_HOST_SUFFIX: `.${DOMAIN}`,
      },
      coderPlatform: {
        clusterActions: {
          helm: {
            binary: helmPeer.PEERS_HELM_BIN,
            repositoryMirrors: charts.mirrorsConfig(),
          },
          gcs: { apiEndpoint: gcsPeer.PEERS_GCS_URL },
        },
      },
    });
    await backends.startContractServers();
    backends.gcp.grpc.knownServices.add('iamcredentials.googleapis.com');
    backends.gcp.clusterApiServer = {
      endpoint: kubeProxy.urlFor('gke'),
      caCertificate: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
    };
    await backends.startBackend();
    await bootstrap(a);
    await bootstrap(b);

    // The uninterrupted run.
    resetRecords();
    const taskId = await backends.createTask(
      CLUSTER,
      clusterValues(a),
      secrets,
    );
    await backends.waitForEnd(taskId, 900_000);
    reference = { names: a, taskId, mutations: mutations(a) };
  });

  afterAll(async () => {
    await backends?.stop();
    await Promise.allSettled([
      certManager.stop(),
      postgresOperator.stop(),
      router.stop(),
      charts.stop(),
      coder?.stop(),
      kubeProxy?.stop(),
    ]);
    await resetCluster(kc);
  });

  it('builds the whole cluster: every step done, each release installed once, Keycloak and Coder set up', async () => {
    const { names, taskId } = reference;
    expect(await backends.outcome(taskId)).toEqual({ status: 'completed' });
    const events = await backends.events(taskId);
    const steps = (template.entity.spec.steps as Array<{ id: string }>).map(
      s => s.id,
    );
    expect(stepsRun(events)).toEqual(steps.filter(s => !SKIPPED.includes(s)));

    // Every release once (revision 1), from the mirror.
    const core = kc.makeApiClient(CoreV1Api);
    const releases = (
      await core.listSecretForAllNamespaces({ labelSelector: 'owner=helm' })
    ).items
      .filter(s => NAMESPACES.includes(s.metadata!.namespace!))
      .map(
        s =>
          `${s.metadata!.namespace}/${s.metadata!.labels!.name} v${
            s.metadata!.labels!.version
          }`,
      )
      .sort();
    expect(releases).toEqual([
      'cert-manager/cert-manager v1',
      'coder/coder v1',
      'keycloak/main v1',
      'monitoring/main v1',
      'nginx-ingress/nginx-ingress-public v1',
      'oauth2-proxy/main v1',
      'postgres/postres-operator v1',
    ]);

    // Generated and copied Secrets, labelled as the suite's.
    const secret = async (ns: string, name: string) =>
      core.readNamespacedSecret({ namespace: ns, name });
    expect(
      Object.keys((await secret('keycloak', 'keycloak-db')).data ?? {}),
    ).toEqual(['password']);
    expect(
      Object.keys(
        (await secret('oauth2-proxy', 'oauth2-proxy')).data ?? {},
      ).sort(),
    ).toEqual(['client-id', 'client-secret', 'cookie-secret']);

    // Keycloak: the realm with the clients and groups, on the real Keycloak.
    const kcAdmin = `${keycloakPeer.PEERS_KEYCLOAK_URL}/admin/realms/${names.realm}`;
    const token = await keycloakToken();
    const get = async (p: string) =>
      (
        await fetch(`${kcAdmin}${p}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
    const realm = await get('');
    expect(realm).toMatchObject({
      realm: names.realm,
      registrationAllowed: true,
      verifyEmail: true,
    });
    const clients = (await get('/clients')).map((c: any) => c.clientId);
    expect(clients).toEqual(
      expect.arrayContaining([
        'coder',
        'grafana',
        'auth',
        'coder-platform-reader',
      ]),
    );
    expect((await get('/groups')).map((g: any) => g.name).sort()).toEqual([
      'grafana-admin',
      'grafana-dev',
    ]);

    // Coder: the first user, and the devbox template with one version.
    const { ingress } = reference.mutations;
    expect(ingress[`POST coder.<cluster>.<domain>/api/v2/users/first`]).toBe(1);
    expect(
      Object.entries(ingress).filter(([k]) => /templateversions$/.test(k)),
    ).toEqual([[expect.stringMatching(/^POST coder\./), 1]]);

    // eslint-disable-next-line no-console
    console.log(
      `uninterrupted run: ${JSON.stringify(reference.mutations, null, 2)}`,
    );
  });

  it('killed twice mid-run, recovered by a new process each time: completes with every mutation made once', async () => {
    const names = runNames('b');
    await resetCluster(kc);
    await freshCoder();
    resetRecords();
    const killed: string[] = [];

    // Kill 1: while the certificate step waits for cert-manager (both
    // objects applied, the first read of the wait in flight).
    const certificate = /\/certificates\/cluster-cert(\?|$)/;
    const kill1 = kubeProxy
      .next(r => r.method === 'PATCH' && certificate.test(r.path))
      .then(() =>
        kubeProxy.next(r => r.method === 'GET' && certificate.test(r.path)),
      )
      .then(async r => {
        killed.push(`kubernetes GET ${r.path.split('?')[0]}`);
        await backends.killNow();
      });
    // Kill 2: while Keycloak creates the realm (Keycloak creates it; the
    // answer never arrives).
    let kill2Fired = false;
    const kill2 = new Promise<void>(resolve =>
      router.onRequest(r => {
        if (
          kill2Fired ||
          r.method !== 'POST' ||
          r.path.replace(/\/$/, '') !== '/admin/realms'
        )
          return undefined;
        kill2Fired = true;
        killed.push(`keycloak POST /admin/realms`);
        // Awaited by the router: the request reaches Keycloak only after
        // the process that sent it has died.
        return backends.killNow().then(resolve);
      }),
    );

    const taskId = await backends.createTask(
      CLUSTER,
      clusterValues(names),
      secrets,
    );
    const whatHappened = () =>
      `${backends.log()}\nrouter: ${router
        .requests()
        .map(r => `${r.method} ${r.host}${r.path} ${r.status}`)
        .join('\n')}`;
    const skipped: string[][] = [];
    for (const [kill, what] of [
      [kill1, 'the certificate wait'],
      [kill2, 'the realm creation'],
    ] as const) {
      await within(kill, 600_000, `no kill at ${what}`, whatHappened);
      const since = Date.now();
      await backends.startBackend();
      const events = await backends.waitForRecovery(taskId, since);
      skipped.push(stepsSkippedAsCompleted(events));
    }
    await backends.waitForEnd(taskId, 900_000);
    expect(await backends.outcome(taskId)).toEqual({ status: 'completed' });
    expect(killed).toEqual([
      'kubernetes GET /apis/cert-manager.io/v1/namespaces/nginx-ingress/certificates/cluster-cert',
      'keycloak POST /admin/realms',
    ]);

    // Each new process skipped the steps done before its kill, and ran the
    // step in flight again.
    const steps = (template.entity.spec.steps as Array<{ id: string }>)
      .map(s => s.id)
      .filter(s => !SKIPPED.includes(s));
    expect(skipped).toEqual([
      steps.slice(0, steps.indexOf('certificate')),
      steps.slice(0, steps.indexOf('realm')),
    ]);

    const run = mutations(names);
    // eslint-disable-next-line no-console
    console.log(
      `resumed run: ${JSON.stringify(
        { killed, stepsSkippedAsCompleted: skipped, mutations: run },
        null,
        2,
      )}`,
    );
    // Calls made twice: none.
    expect(run).toEqual(reference.mutations);
  });
});

/** Waits for `promise`, failing after `ms` with `what` and a log excerpt. */
async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  log: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what} after ${ms / 1000} s:\n${log()}`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** An admin token of the Keycloak peer's master realm (to read what the run made). */
async function keycloakToken(): Promise<string> {
  const res = await fetch(
    `${keycloakPeer.PEERS_KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`,
    {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: 'admin',
        password: keycloakPeer.PEERS_KEYCLOAK_ADMIN_PASSWORD,
      }),
    },
  );
  return (await res.json()).access_token;
}
