import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { loggedText, mockContext } from './__testUtils__/context';

describe('coder:template:push against the Coder contract server', () => {
  const mockDir = createMockDirectory();
  let coder: CoderContractServer;
  let token: string;
  let action: ReturnType<typeof createCoderTemplatePushAction>;

  beforeEach(async () => {
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'admin-password',
    });
    // Coder's URL and token come from the cluster model, never from input.
    action = createCoderTemplatePushAction({
      config: new ConfigReader({
        coderPlatform: {
          clusters: [{ name: 'dev', coder: { url: coder.url, token } }],
        },
      }),
      pollIntervalMs: 5,
    });
    mockDir.setContent({
      'templates/devbox/main.tf': 'resource "null_resource" "x" {}\n',
      'templates/devbox/README.md': '# Devbox\n',
      'templates/devbox/.terraform/providers/cache': 'ignored',
    });
  });
  afterEach(() => coder.stop());

  const input = (extra: Record<string, unknown> = {}) => ({
    cluster: 'dev',
    name: 'devbox',
    displayName: 'Devbox',
    directory: 'templates/devbox',
    variables: { workspaces_namespace: 'coder', use_kubeconfig: false },
    secretVariables: { restic_password_prefix: 'resticPrefix' },
    ...extra,
  });
  const run = async (extra: Record<string, unknown> = {}, isDryRun = false) => {
    const ctx = mockContext(input(extra), {
      workspacePath: mockDir.path,
      isDryRun,
      secrets: { coderSessionToken: token, resticPrefix: 'restic-s3cret' },
    });
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  it('creates the template, streaming the provisioner logs, and re-runs as a no-op', async () => {
    const first = await run();
    expect(first.out).toMatchObject({ created: true, changed: true });
    expect(coder.templateNames()).toEqual(['devbox']);
    expect(first.ctx.logger.info).toHaveBeenCalledWith(
      '[Parsing template parameters] Initializing the backend...',
    );
    expect(loggedText(first.ctx)).not.toContain('restic-s3cret');
    // Checkpoint keys name the cluster, organization and template.
    const keys = first.ctx.checkpoint.mock.calls.map((c: any) => c[0].key);
    expect(keys.length).toBeGreaterThan(0);
    expect(
      keys.every((k: string) =>
        k.startsWith('coder:template:push:dev:default:devbox:'),
      ),
    ).toBe(true);

    const versions = coder.versionCount();
    const files = coder.fileCount();
    const again = await run();
    expect(again.out).toEqual({
      templateId: first.out.templateId,
      versionId: first.out.versionId,
      created: false,
      changed: false,
    });
    expect(coder.versionCount()).toBe(versions);
    expect(coder.fileCount()).toBe(files);
  });

  it.each([
    [
      'a changed file',
      () => mockDir.addContent({ 'templates/devbox/main.tf': '# changed\n' }),
      {},
    ],
    [
      'a changed variable',
      () => undefined,
      { variables: { workspaces_namespace: 'other' } },
    ],
  ])(
    'pushes and promotes a new version for %s',
    async (_what, change, extra) => {
      const first = await run();
      change();
      const second = await run(extra);
      expect(second.out).toMatchObject({
        templateId: first.out.templateId,
        created: false,
        changed: true,
      });
      expect(second.out.versionId).not.toBe(first.out.versionId);
      expect(coder.versionCount()).toBe(2);
    },
  );

  it('fails with the job error, streams its logs, masks secrets and keeps the active version', async () => {
    const first = await run();
    mockDir.addContent({ 'templates/devbox/main.tf': '# broken\n' });
    coder.failNextJob('Error: invalid value "restic-s3cret" for provider');
    const ctx = mockContext(input(), {
      workspacePath: mockDir.path,
      secrets: { coderSessionToken: token, resticPrefix: 'restic-s3cret' },
    });
    const error = await action.handler(ctx).catch(e => e);
    expect(error.message).toBe(
      'coder:template:push: the provisioner job of template "devbox" failed: Error: invalid value "***" for provider',
    );
    expect(ctx.logger.error).toHaveBeenCalledWith(
      '[Detecting persistent resources] Error: invalid value "***" for provider',
    );
    expect(loggedText(ctx)).not.toContain('restic-s3cret');
    const again = await run({ directory: 'templates/devbox' }, true);
    expect(again.out.versionId).toBe(first.out.versionId);
  });

  it('dry run only reads', async () => {
    const { ctx } = await run({}, true);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would upload 2 files and create template "devbox"',
    );
    expect(coder.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(coder.templateNames()).toEqual([]);
  });

  it.each([
    [
      { directory: 'nope' },
      {},
      'directory nope does not exist in the workspace',
    ],
    [
      { sessionToken: { taskSecret: 'coderSessionToken' } },
      { coderSessionToken: undefined },
      'sessionToken.taskSecret: the task secret "coderSessionToken"',
    ],
    [
      {},
      { resticPrefix: undefined },
      'secretVariables.restic_password_prefix: the task secret "resticPrefix" is missing',
    ],
    [
      { sessionToken: { kubernetesSecret: { name: 's', namespace: 'n' } } },
      {},
      'cluster "dev" has no kubernetes block',
    ],
    [
      { cluster: 'http://127.0.0.1:1' },
      {},
      'endpoints and URLs are not accepted',
    ],
    [
      { sessionToken: { taskSecret: 'coderSessionToken' } },
      { coderSessionToken: 'bad-token' },
      'reading template "devbox" in cluster "dev" failed: HTTP 401: Invalid API key.',
    ],
  ])('rejects %j %j naming the problem', async (extra, secrets, message) => {
    const ctx = mockContext(input(extra), {
      workspacePath: mockDir.path,
      secrets: {
        coderSessionToken: token,
        resticPrefix: 'x',
        ...secrets,
      } as Record<string, string>,
    });
    await expect(action.handler(ctx)).rejects.toThrow(message);
  });
});
