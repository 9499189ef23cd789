import { mockServices } from '@backstage/backend-test-utils';
import { createClusterActions } from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';
// The kube peer's objects are read with the official client; this package is
// test infrastructure only (never shipped), where it is a devDependency.
// eslint-disable-next-line @backstage/no-undeclared-imports
import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  V1Ingress,
} from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { requirePeer } from '../peers/peersEnv';
import {
  LocalChartRepository,
  repositorySubdirectory,
  STAND_IN_CHARTS_DIR,
} from './LocalChartRepository';
import {
  TemplateHelmRelease,
  templateChartVersions,
  templateHelmReleases,
  templateParameterDefaults,
} from './templateHelmReleases';

jest.setTimeout(900_000);

const TEMPLATE_FILE = resolve(
  __dirname,
  '../../../../templates/coder-development-cluster/template.yaml',
);

/** A minimal action context: logs and outputs recorded, checkpoints run. */
function actionContext(input: Record<string, unknown>) {
  const logs: string[] = [];
  const outputs: Record<string, any> = {};
  const logger: any = {
    info: (m: unknown) => logs.push(String(m)),
    warn: (m: unknown) => logs.push(String(m)),
    error: (m: unknown) => logs.push(String(m)),
    debug: () => {},
  };
  logger.child = () => logger;
  const ctx: any = {
    input,
    logger,
    workspacePath: tmpdir(),
    secrets: {},
    task: { id: 'local-chart-repository-test' },
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
    createTemporaryDirectory: () => mkdtemp(join(tmpdir(), 'ctx-')),
    getInitiatorCredentials: async () => {
      throw new Error('not used by helm:release');
    },
  };
  return { ctx, logs, outputs };
}

/**
 * Every stand-in chart installed by the real `helm:release` action with the
 * real helm against the local API server, fetched from LocalChartRepository
 * through `coderPlatform.clusterActions.helm.repositoryMirrors`, with the
 * values of the template's own steps (rendered from the template with
 * sample parameters by templateHelmReleases, not copied).
 */
describe('LocalChartRepository: the template charts through helm:release and the mirrors', () => {
  const { PEERS_HELM_BIN } = requirePeer('helm', ['PEERS_HELM_BIN']);
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBECONFIG',
  ]);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.PEERS_KUBECONFIG);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const apiextensions = kubeConfig.makeApiClient(ApiextensionsV1Api);

  // Unique per run: namespaces, the cluster name in the Ingress hosts (the
  // ingress router of other tests reads every Ingress of this shared server)
  // and the cluster-scoped IngressClass.
  const runId = `t${randomBytes(4).toString('hex')}`;
  const domain = 'example.test';
  const ingressClass = `${runId}-nginx-public`;

  let templateYaml: string;
  let releases: TemplateHelmRelease[];
  let repo: LocalChartRepository;
  let helmRelease: ReturnType<typeof createClusterActions>[number];
  const namespaces = new Set<string>();

  /** The template's step input, retargeted at this run's namespace and the peer. */
  const inputOf = (release: TemplateHelmRelease) => {
    const input = structuredClone(release.input);
    input.cluster = 'local';
    input.namespace = `${runId}-${release.input.namespace}`;
    if (input.chart === 'ingress-nginx') {
      // IngressClasses are cluster-scoped: this run's own name, and not the
      // default (a second default class would break Ingresses of other
      // tests). The template's exact values are rendered by helm template
      // below.
      input.values.controller.ingressClassResource.name = ingressClass;
      input.values.controller.ingressClassResource.default = false;
    }
    return input;
  };

  const runStep = async (input: Record<string, any>) => {
    const { ctx, logs, outputs } = actionContext(input);
    await helmRelease.handler(ctx);
    return { logs, outputs };
  };

  const release = (step: string) => {
    const found = releases.find(r => r.stepId === step);
    if (!found) throw new Error(`template has no helm:release step ${step}`);
    return found;
  };

  beforeAll(async () => {
    templateYaml = await readFile(TEMPLATE_FILE, 'utf8');
    releases = templateHelmReleases(templateYaml, {
      parameters: {
        ...templateParameterDefaults(templateYaml),
        clusterName: runId,
        projectId: 'acme-coder',
        domainName: domain,
        dnsAccount: 'coder-dns',
        storageAccount: 'coder-storage',
        keycloakRealm: 'acme',
        adminEmail: 'admin@example.test',
        smtpEnabled: false,
      },
      steps: {
        gke: {
          output: {
            resourceName: 'projects/acme-coder/locations/x/clusters/y',
          },
        },
        address: { output: { address: '203.0.113.7' } },
      },
    });
    repo = await new LocalChartRepository({
      versions: templateChartVersions(templateYaml),
      helmBin: PEERS_HELM_BIN,
    }).start();
    const config = mockServices.rootConfig({
      data: {
        coderPlatform: {
          clusters: [
            {
              name: 'local',
              kubernetes: {
                url: kube.PEERS_KUBE_URL,
                caData: Buffer.from(
                  await readFile(kube.PEERS_KUBE_CA_FILE),
                ).toString('base64'),
                auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
              },
            },
          ],
          clusterActions: {
            helm: {
              binary: PEERS_HELM_BIN,
              repositoryMirrors: repo.mirrorsConfig(),
            },
          },
        },
      },
    });
    helmRelease = createClusterActions({ config }).find(
      a => a.id === 'helm:release',
    )!;
  });

  afterAll(async () => {
    // The IngressClass is cluster-scoped: uninstall its release first.
    if (helmRelease && releases) {
      await runStep({
        ...inputOf(release('ingress-nginx')),
        state: 'absent',
      }).catch(() => undefined);
    }
    for (const name of namespaces) {
      await core.deleteNamespace({ name }).catch(() => undefined);
    }
    await repo?.stop();
  });

  it('renders only objects the API server handles without a kubelet or load balancer, with the template values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stand-in-render-'));
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      HELM_CACHE_HOME: join(dir, 'cache'),
      HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_DATA_HOME: join(dir, 'data'),
    };
    const allowed = new Set([
      'CustomResourceDefinition',
      'ServiceAccount',
      'IngressClass',
      'ConfigMap',
      'Service',
      'Ingress',
    ]);
    try {
      const rendered: Record<string, any[]> = {};
      for (const { stepId, input } of releases) {
        const values = join(dir, `${stepId}.json`);
        await writeFile(values, JSON.stringify(input.values));
        const { stdout } = await promisify(execFile)(
          PEERS_HELM_BIN,
          [
            'template',
            input.name,
            join(STAND_IN_CHARTS_DIR, input.chart),
            '-n',
            input.namespace,
            '-f',
            values,
            '--include-crds',
          ],
          { env },
        );
        rendered[stepId] = parseAllDocuments(stdout)
          .map(d => d.toJS())
          .filter(Boolean);
      }
      const refused = Object.entries(rendered).flatMap(([step, objects]) =>
        objects
          .filter(
            o =>
              !allowed.has(o.kind) ||
              (o.kind === 'Service' && o.spec?.type !== 'ClusterIP'),
          )
          .map(
            o => `${step}: ${o.kind} ${o.metadata?.name} ${o.spec?.type ?? ''}`,
          ),
      );
      expect(refused).toEqual([]);
      expect(Object.values(rendered).flat().length).toBeGreaterThan(15);
      // The IngressClass exactly as the template asks for it.
      const [cls] = rendered['ingress-nginx'].filter(
        o => o.kind === 'IngressClass',
      );
      expect(cls.metadata.name).toBe('nginx-public');
      expect(cls.metadata.annotations).toEqual({
        'ingressclass.kubernetes.io/is-default-class': 'true',
      });
      expect(cls.spec.controller).toBe('k8s.io/ingress-nginx');
      // The template's LoadBalancer service type is ignored, not rendered.
      expect(
        rendered['ingress-nginx'].filter(o => o.kind === 'Service'),
      ).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('installs every chart from the mirror at the pinned version, creates what later steps rely on, and a second run is a no-op', async () => {
    const versions = templateChartVersions(templateYaml);
    for (const r of releases) {
      const input = inputOf(r);
      namespaces.add(input.namespace);
      const { logs, outputs } = await runStep(input);
      expect({ step: r.stepId, ...outputs }).toEqual({
        step: r.stepId,
        revision: 1,
        status: 'deployed',
        chart: input.chart,
        chartVersion: versions[input.chart],
        appVersion: 'stand-in',
        changed: true,
      });
      const mirror = repo.repositoryUrl(r.input.repoUrl);
      expect(logs).toContainEqual(
        `helm:release: install release ${input.namespace}/${input.name} to ${
          input.chart
        } ${versions[input.chart]} from mirror ${mirror} (for ${
          r.input.repoUrl
        })`,
      );
    }

    // helm fetched each chart's index and archive from its sub-directory.
    const fetched = repo
      .requests()
      .filter(q => q.status === 200)
      .map(q => q.path);
    for (const { input } of releases) {
      const sub = repositorySubdirectory(input.repoUrl);
      expect(fetched).toContain(`/${sub}/index.yaml`);
      expect(fetched).toContain(
        `/${sub}/${input.chart}-${versions[input.chart]}.tgz`,
      );
    }

    // CRDs of cert-manager and the Zalando operator, established.
    for (const name of [
      'issuers.cert-manager.io',
      'clusterissuers.cert-manager.io',
      'certificates.cert-manager.io',
      'postgresqls.acid.zalan.do',
    ]) {
      const crd = await apiextensions.readCustomResourceDefinition({ name });
      expect(
        crd.status?.conditions?.find(c => c.type === 'Established')?.status,
      ).toBe('True');
      expect(crd.spec.versions.find(v => v.name === 'v1')).toMatchObject({
        served: true,
        storage: true,
      });
    }

    const ns = (step: string) => inputOf(release(step)).namespace;
    const sa = await core.readNamespacedServiceAccount({
      name: 'cert-manager',
      namespace: ns('cert-manager'),
    });
    expect(sa.metadata?.annotations).toMatchObject({
      'iam.gke.io/gcp-service-account':
        'coder-dns@acme-coder.iam.gserviceaccount.com',
    });

    const cls = await networking.readIngressClass({ name: ingressClass });
    expect(cls.spec?.controller).toBe('k8s.io/ingress-nginx');
    const nginxConfig = await core.readNamespacedConfigMap({
      name: 'nginx-ingress-public-ingress-nginx-controller',
      namespace: ns('ingress-nginx'),
    });
    expect(nginxConfig.data).toMatchObject({
      'proxy-body-size': '50m',
      'proxy-buffer-size': '16k',
    });

    const operatorConfig = await core.readNamespacedConfigMap({
      name: 'postres-operator-postgres-operator',
      namespace: ns('postgres-operator'),
    });
    expect(operatorConfig.data).toMatchObject({
      resync_period: '5m',
      pod_environment_configmap: 'postgres/postgres-pod-config',
      pod_service_account_name: 'postgres-pod',
      inherited_labels: 'coder-platform.io/managed',
    });

    const ingress = (name: string, step: string) =>
      networking.readNamespacedIngress({ name, namespace: ns(step) });
    const hosts = (i: V1Ingress) => i.spec?.rules?.map(r => r.host);
    const cluster = `${runId}.${domain}`;

    const keycloak = await ingress('keycloak', 'keycloak');
    expect(keycloak.spec).toMatchObject({
      ingressClassName: 'nginx-public',
      tls: [
        {
          hosts: [`keycloak.${cluster}`],
          secretName: `keycloak.${cluster}-tls`,
        },
      ],
    });
    expect(hosts(keycloak)).toEqual([`keycloak.${cluster}`]);
    expect(keycloak.spec?.rules?.[0].http?.paths[0].backend.service).toEqual({
      name: 'keycloak',
      port: { number: 80 },
    });
    const keycloakService = await core.readNamespacedService({
      name: 'keycloak',
      namespace: ns('keycloak'),
    });
    expect(keycloakService.spec?.type).toBe('ClusterIP');

    const coder = await ingress('coder', 'coder');
    expect(hosts(coder)).toEqual([`coder.${cluster}`, `*.coder.${cluster}`]);
    expect(coder.spec?.ingressClassName).toBe('nginx-public');
    expect(coder.spec?.tls?.[0].hosts).toEqual([`coder.${cluster}`]);
    expect(coder.spec?.rules?.[0].http?.paths[0].backend.service?.name).toBe(
      'coder',
    );

    const auth = await ingress('main-oauth2-proxy', 'oauth2-proxy');
    expect(hosts(auth)).toEqual([`auth.${cluster}`]);
    expect(auth.spec?.tls).toEqual([{ hosts: [`auth.${cluster}`] }]);
    await core.readNamespacedService({
      name: 'main-oauth2-proxy',
      namespace: ns('oauth2-proxy'),
    });

    for (const [name, host] of [
      ['main-grafana', 'grafana'],
      ['main-prometheus', 'prometheus'],
      ['main-alertmanager', 'alert'],
    ]) {
      const i = await ingress(name, 'monitoring');
      expect(hosts(i)).toEqual([`${host}.${cluster}`]);
      expect(i.spec?.ingressClassName).toBe('nginx-public');
      expect(i.spec?.rules?.[0].http?.paths[0].backend.service?.name).toBe(
        name,
      );
    }
    expect(
      (await ingress('main-prometheus', 'monitoring')).metadata?.annotations?.[
        'nginx.ingress.kubernetes.io/auth-url'
      ],
    ).toBe(
      'http://main-oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth',
    );

    // The same steps again: nothing to do, no chart fetched.
    const archivesBefore = repo
      .requests()
      .filter(q => q.path.endsWith('.tgz')).length;
    for (const r of releases) {
      const { outputs } = await runStep(inputOf(r));
      expect({ step: r.stepId, ...outputs }).toMatchObject({
        step: r.stepId,
        revision: 1,
        changed: false,
      });
    }
    expect(repo.requests().filter(q => q.path.endsWith('.tgz')).length).toBe(
      archivesBefore,
    );
  });

  it('serves GET and HEAD only, and nothing outside its directory', async () => {
    const index = `${repo.repositoryUrl(
      'https://charts.jetstack.io',
    )}/index.yaml`;
    const get = await fetch(index);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain(
      `${repo.url}/charts.jetstack.io/cert-manager-v1.17.4.tgz`,
    );
    expect((await fetch(index, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(index, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect((await fetch(`${repo.url}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(
      404,
    );
    expect((await fetch(`${repo.url}/charts.jetstack.io`)).status).toBe(404);
    // Encoded slashes survive URL normalisation; still nothing outside.
    expect(
      (
        await fetch(
          `${repo.url}/charts.jetstack.io%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
        )
      ).status,
    ).toBe(404);
    expect((await fetch(`${repo.url}/%zz`)).status).toBe(404);
  });
});
