import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import { readdirSync } from 'node:fs';
import { bundledCoderTemplatePath } from './bundledCoderTemplates';
import { createCoderTemplateFetchAction } from './coderTemplateFetch';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { mockContext } from './__testUtils__/context';

/**
 * `template: devbox` pushes the bundled files straight from the package: a
 * resumed task (fresh workspace) pushes without a fetch step, and the push
 * is the same content as a push of the fetched copy.
 */
describe('coder:template:push of a bundled template', () => {
  const workspace = createMockDirectory();
  let coder: CoderContractServer;
  let push: ReturnType<typeof createCoderTemplatePushAction>;
  const bundledFiles = readdirSync(bundledCoderTemplatePath('devbox')).length;

  beforeEach(async () => {
    workspace.clear();
    coder = await CoderContractServer.start();
    const token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'admin-password',
    });
    push = createCoderTemplatePushAction({
      config: new ConfigReader({
        coderPlatform: {
          clusters: [{ name: 'dev', coder: { url: coder.url, token } }],
        },
      }),
      pollIntervalMs: 5,
    });
  });
  afterEach(() => coder.stop());

  const input = (source: Record<string, unknown>) => ({
    cluster: 'dev',
    name: 'devbox',
    variables: { namespace: 'coder', cluster_name: 'dev' },
    secretVariables: { restic_password_secret: 'resticSecret' },
    ...source,
  });
  const run = async (source: Record<string, unknown>, isDryRun = false) => {
    const ctx = mockContext(input(source), {
      workspacePath: workspace.path,
      isDryRun,
      secrets: { resticSecret: 'restic' },
    });
    await push.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };
  const fetchInto = async (targetPath: string) => {
    const ctx = mockContext(
      { template: 'devbox', targetPath },
      { workspacePath: workspace.path },
    );
    await createCoderTemplateFetchAction().handler(ctx);
    return Object.fromEntries(ctx.output.mock.calls);
  };

  it('pushes from an empty workspace (a resumed task) and re-runs as a no-op', async () => {
    expect(readdirSync(workspace.path)).toEqual([]);
    const first = await run({ template: 'devbox' });
    expect(first.out).toMatchObject({ created: true, changed: true });
    expect(coder.templateNames()).toEqual(['devbox']);
    expect(readdirSync(workspace.path)).toEqual([]);
    const again = await run({ template: 'devbox' });
    expect(again.out).toEqual({ ...first.out, created: false, changed: false });
    expect(again.ctx.logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        new RegExp(
          `^template "devbox" already runs this content \\(${bundledFiles} files from the bundled template devbox, [0-9a-f]{12}\\); nothing to do$`,
        ),
      ),
    );
    expect(coder.versionCount()).toBe(1);
  });

  it.each([
    ['directory first, then template', 'directory', 'template'],
    ['template first, then directory', 'template', 'directory'],
  ])(
    'the fetched copy and the bundled files are the same content (%s): one version, one file',
    async (_order, firstSource, secondSource) => {
      const fetched = await fetchInto('coder-template');
      expect(fetched.files).toHaveLength(bundledFiles);
      const sources: Record<string, Record<string, unknown>> = {
        directory: { directory: 'coder-template' },
        template: { template: 'devbox' },
      };
      const first = await run(sources[firstSource]);
      expect(first.out).toMatchObject({ created: true, changed: true });
      const second = await run(sources[secondSource]);
      expect(second.out).toEqual({
        templateId: first.out.templateId,
        versionId: first.out.versionId,
        created: false,
        changed: false,
      });
      expect(coder.versionCount()).toBe(1);
      expect(coder.fileCount()).toBe(1);
      expect(coder.requests.filter(r => r.method !== 'GET')).toHaveLength(
        // upload, version, create template: from the first push only
        3,
      );
    },
  );

  it('a changed variable still pushes a new version of the bundled template', async () => {
    const first = await run({ template: 'devbox' });
    const ctx = mockContext(
      { ...input({ template: 'devbox' }), variables: { namespace: 'other' } },
      { workspacePath: workspace.path, secrets: { resticSecret: 'restic' } },
    );
    await push.handler(ctx);
    const out = Object.fromEntries(ctx.output.mock.calls);
    expect(out).toMatchObject({ created: false, changed: true });
    expect(out.versionId).not.toBe(first.out.versionId);
    expect(coder.versionCount()).toBe(2);
  });

  it('dry run reads the bundled files and only reads Coder', async () => {
    const { ctx } = await run({ template: 'devbox' }, true);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      `dry run: would upload ${bundledFiles} files and create template "devbox"`,
    );
    expect(coder.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });

  it('a push resumed after a restart during the provisioner job (fresh workspace, saved checkpoints) calls no mutation twice', async () => {
    // The scaffolder keeps each checkpoint's value in the task state; a
    // recovered task runs the step in flight again with those values and a
    // fresh workspace.
    const saved = new Map<string, unknown>();
    const checkpoint = async ({
      key,
      fn,
    }: {
      key: string;
      fn: () => unknown;
    }) => {
      if (!saved.has(key)) saved.set(key, await fn());
      return saved.get(key);
    };
    const crash = new AbortController();
    const first = mockContext(input({ template: 'devbox' }), {
      workspacePath: workspace.path,
      signal: crash.signal,
      secrets: { resticSecret: 'restic' },
    });
    first.checkpoint.mockImplementation(checkpoint);
    first.logger.info.mockImplementation((message: string) => {
      // The backend dies while the provisioner job runs.
      if (message.includes('waiting for its provisioner job')) crash.abort();
    });
    await expect(push.handler(first)).rejects.toThrow();
    expect(coder.templateNames()).toEqual([]);
    expect([...saved.keys()].map(k => k.split(':')[6])).toEqual([
      'upload',
      'version',
    ]);

    workspace.clear();
    const resumed = mockContext(input({ template: 'devbox' }), {
      workspacePath: workspace.path,
      secrets: { resticSecret: 'restic' },
    });
    resumed.checkpoint.mockImplementation(checkpoint);
    await push.handler(resumed);
    expect(Object.fromEntries(resumed.output.mock.calls)).toMatchObject({
      created: true,
      changed: true,
    });
    expect(coder.templateNames()).toEqual(['devbox']);
    expect(
      coder.requests
        .filter(r => r.method !== 'GET')
        .map(r => `${r.method} ${r.path}`),
    ).toEqual([
      'POST /api/v2/files',
      'POST /api/v2/organizations/default/templateversions',
      'POST /api/v2/organizations/default/templates',
    ]);
  });

  it.each([
    [
      'both',
      { directory: 'coder-template', template: 'devbox' },
      'coder:template:push: give exactly one of directory (a folder of the task workspace) or template (a bundled Coder template: devbox); both were given',
    ],
    [
      'neither',
      {},
      'coder:template:push: give exactly one of directory (a folder of the task workspace) or template (a bundled Coder template: devbox); neither was given',
    ],
    [
      'an unknown bundled template',
      { template: 'kitchen-sink' },
      'coder:template:push: template "kitchen-sink" is not a bundled Coder template (devbox)',
    ],
    [
      'a directory outside the workspace',
      { directory: '../elsewhere' },
      'coder:template:push: directory ../elsewhere leads outside the task workspace',
    ],
  ])(
    'refuses %s naming the fields, before any call to Coder',
    async (_what, source, message) => {
      await fetchInto('coder-template');
      const error = await run(source).catch(e => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('InputError');
      expect(error.message).toBe(message);
      expect(coder.requests).toEqual([]);
    },
  );
});
