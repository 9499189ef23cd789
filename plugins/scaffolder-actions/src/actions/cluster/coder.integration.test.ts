import { createMockDirectory } from '@backstage/backend-test-utils';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderBootstrapAction } from './coderBootstrap';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { applySecret, readSecretValue } from './kubernetes';
import { loggedText, mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { kubePeer } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('coder:bootstrap and coder:template:push (Coder contract server, real API server)', () => {
  const kube = kubePeer();
  let coder: CoderContractServer;
  // Coder's URL comes from the cluster model (coderPlatform.clusters[].coder).
  const options = () => ({
    config: kube.config({}, { local: { coder: { url: coder.url } } }),
    pollIntervalMs: 10,
  });
  const bootstrap = {
    handler: (ctx: any) => createCoderBootstrapAction(options()).handler(ctx),
  };
  const push = {
    handler: (ctx: any) =>
      createCoderTemplatePushAction(options()).handler(ctx),
  };
  const api = kube.api();
  const inPeer = createdInPeer(api);
  afterAll(() => inPeer.remove());
  const mockDir = createMockDirectory();

  beforeEach(async () => {
    coder = await CoderContractServer.start();
  });
  afterEach(() => coder.stop());

  const secrets = { coderAdminPassword: 'pa55word-admin' };

  it('bootstraps the first user, stores the token, keeps it on re-run and pushes a template with it', async () => {
    const namespace = inPeer.namespace('coder');
    const input = {
      email: 'admin@example.com',
      cluster: 'local',
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
        cluster: 'local',
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

  it('pushes the bundled devbox (template: devbox) from an empty workspace with the token coder:bootstrap stored, and re-runs as a no-op', async () => {
    const namespace = inPeer.namespace('coder');
    await bootstrap.handler(
      mockContext(
        {
          email: 'admin@example.com',
          cluster: 'local',
          secret: { name: 'coder-admin-session', namespace },
        },
        { secrets },
      ),
    );
    mockDir.clear();
    const input = {
      cluster: 'local',
      sessionToken: {
        kubernetesSecret: { name: 'coder-admin-session', namespace },
      },
      name: 'devbox',
      template: 'devbox',
      variables: { namespace: 'coder', cluster_name: 'local' },
    };
    const first = mockContext(input, { workspacePath: mockDir.path });
    await push.handler(first);
    expect(first.output).toHaveBeenCalledWith('created', true);
    expect(coder.templateNames()).toEqual(['devbox']);
    const again = mockContext(input, { workspacePath: mockDir.path });
    await push.handler(again);
    expect(again.output).toHaveBeenCalledWith('changed', false);
    expect(coder.versionCount()).toBe(1);
    expect(coder.fileCount()).toBe(1);
  });

  it('logs in again when the stored token no longer works, and tolerates an existing first user', async () => {
    coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pa55word-admin',
    });
    const namespace = inPeer.namespace('coder');
    const target = { name: 'coder-admin-session', namespace };
    await applySecret(
      api,
      target,
      { 'session-token': 'expired-token' },
      'test',
    );
    const ctx = mockContext(
      {
        email: 'admin@example.com',
        cluster: 'local',
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

  it('an upgrade runs without the password while the stored token works, and asks for it once the token is gone', async () => {
    const namespace = inPeer.namespace('coder');
    const input = {
      email: 'admin@example.com',
      cluster: 'local',
      secret: { name: 'coder-admin-session', namespace },
    };
    await bootstrap.handler(mockContext(input, { secrets }));
    const token = await readSecretValue(api, input.secret, 'session-token');
    const posts = () => coder.requests.filter(r => r.method !== 'GET').length;
    const before = posts();

    // The re-run of an upgrade: no password in the task's secrets.
    const upgrade = mockContext(input, { secrets: {} });
    await bootstrap.handler(upgrade);
    expect(Object.fromEntries(upgrade.output.mock.calls)).toEqual({
      created: false,
      changed: false,
      secretName: `${namespace}/coder-admin-session`,
    });
    expect(posts()).toBe(before);
    await expect(
      readSecretValue(api, input.secret, 'session-token'),
    ).resolves.toBe(token);

    // The token no longer works (revoked): logging in again needs the password.
    await applySecret(
      api,
      input.secret,
      { 'session-token': 'revoked-token' },
      'test',
    );
    await expect(
      bootstrap.handler(mockContext(input, { secrets: {} })),
    ).rejects.toThrow(
      `coder:bootstrap: Coder at ${coder.url} has its first user, but the session token in Secret ${namespace}/coder-admin-session is not admin@example.com's or no longer works, so the action must log in again; the Coder admin password is needed, but the task secret "coderAdminPassword" (input passwordSecret) is missing`,
    );
    expect(posts()).toBe(before);
    await expect(
      readSecretValue(api, input.secret, 'session-token'),
    ).resolves.toBe('revoked-token');
  });

  it('refuses a session-token Secret the suite did not write, before the token is used', async () => {
    const namespace = inPeer.namespace('coder');
    await applySecret(
      api,
      { name: 'ns-holder', namespace },
      { x: 'y' },
      'test',
    );
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'foreign', namespace },
        data: {
          'session-token': Buffer.from('foreign-token').toString('base64'),
        },
      },
      'someone-else',
    );
    mockDir.setContent({ 'devbox/main.tf': '# devbox\n' });
    const ctx = mockContext(
      {
        cluster: 'local',
        sessionToken: { kubernetesSecret: { name: 'foreign', namespace } },
        name: 'devbox',
        directory: 'devbox',
      },
      { workspacePath: mockDir.path },
    );
    await expect(push.handler(ctx)).rejects.toThrow(
      `sessionToken.kubernetesSecret: Secret ${namespace}/foreign was not written by the suite`,
    );
    expect(coder.requests).toEqual([]);
  });
});
