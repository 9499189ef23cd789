import { createMockDirectory } from '@backstage/backend-test-utils';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderBootstrapAction } from './coderBootstrap';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { applySecret, readSecretValue } from './kubernetes';
import { loggedText, mockContext } from './__testUtils__/context';
import { kubePeer, uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('coder:bootstrap and coder:template:push (Coder contract server, real API server)', () => {
  const kube = kubePeer();
  const options = { config: kube.config(), pollIntervalMs: 10 };
  const bootstrap = createCoderBootstrapAction(options);
  const push = createCoderTemplatePushAction(options);
  const api = kube.api();
  const mockDir = createMockDirectory();
  let coder: CoderContractServer;

  beforeEach(async () => {
    coder = await CoderContractServer.start();
  });
  afterEach(() => coder.stop());

  const secrets = { coderAdminPassword: 'pa55word-admin' };

  it('bootstraps the first user, stores the token, keeps it on re-run and pushes a template with it', async () => {
    const namespace = uniqueName('coder');
    const input = {
      url: coder.url,
      email: 'admin@example.com',
      cluster: { name: 'local' },
      secret: { name: 'coder-admin-session', namespace },
    };
    const ctx = mockContext(input, { secrets });
    await bootstrap.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('created', true);
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
    const token = await readSecretValue(api, input.secret, 'session-token');
    expect(token).toMatch(/^[0-9a-f]{10}-[0-9a-f]{22}$/);
    expect(loggedText(ctx)).not.toContain(token!);
    expect(loggedText(ctx)).not.toContain('pa55word-admin');

    const again = mockContext(input, { secrets });
    await bootstrap.handler(again);
    expect(again.output).toHaveBeenCalledWith('created', false);
    expect(again.output).toHaveBeenCalledWith('changed', false);
    await expect(
      readSecretValue(api, input.secret, 'session-token'),
    ).resolves.toBe(token);

    mockDir.setContent({ 'devbox/main.tf': '# devbox\n' });
    const pushCtx = mockContext(
      {
        url: coder.url,
        cluster: { name: 'local' },
        sessionToken: {
          kubernetesSecret: { name: 'coder-admin-session', namespace },
        },
        name: 'devbox',
        directory: 'devbox',
      },
      { workspacePath: mockDir.path },
    );
    await push.handler(pushCtx);
    expect(pushCtx.output).toHaveBeenCalledWith('created', true);
    expect(coder.templateNames()).toEqual(['devbox']);
  });

  it('logs in again when the stored token no longer works, and tolerates an existing first user', async () => {
    coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pa55word-admin',
    });
    const namespace = uniqueName('coder');
    const target = { name: 'coder-admin-session', namespace };
    await applySecret(
      api,
      target,
      { 'session-token': 'expired-token' },
      'test',
    );
    const ctx = mockContext(
      {
        url: coder.url,
        email: 'admin@example.com',
        cluster: { name: 'local' },
        secret: target,
      },
      { secrets },
    );
    await bootstrap.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('created', false);
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
    const token = await readSecretValue(api, target, 'session-token');
    expect(token).not.toBe('expired-token');
  });
});
