import { ConfigReader } from '@backstage/config';
import { CoderClient } from '@coder-platform/plugin-coder-platform-node';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderBootstrapAction } from './coderBootstrap';
import { mockContext } from './__testUtils__/context';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';

describe('coder:bootstrap (Coder contract server, stand-in API server)', () => {
  let coder: CoderContractServer;
  let kube: Awaited<ReturnType<typeof startFakeKube>>;

  beforeEach(async () => {
    coder = await CoderContractServer.start();
    kube = await startFakeKube();
  });
  afterEach(async () => {
    await coder.stop();
    await kube.stop();
  });

  const input = () => ({
    email: 'admin@example.com',
    cluster: 'dev',
    secret: { name: 'coder-admin-session', namespace: 'coder' },
  });
  const action = () =>
    createCoderBootstrapAction({
      config: new ConfigReader(
        fakeKubeConfig(kube.url, { coder: { url: coder.url } }),
      ),
    });

  it('requires the admin password task secret', async () => {
    await expect(action().handler(mockContext(input()))).rejects.toThrow(
      'coder:bootstrap: the task secret "coderAdminPassword" with the admin password is missing',
    );
  });

  it('dry run reads Coder and the Secret, writes nothing', async () => {
    const ctx = mockContext(input(), {
      isDryRun: true,
      secrets: { coderAdminPassword: 'pa55word-admin' },
    });
    await action().handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create first user admin@example.com; would log in and store a session token in Secret coder/coder-admin-session',
    );
    expect(coder.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(kube.writes()).toEqual([]);
    await expect(
      new CoderClient({ baseUrl: coder.url }).hasFirstUser(),
    ).resolves.toBe(false);
  });

  it('names a wrong password for an existing first user', async () => {
    coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'the-real-password',
    });
    await expect(
      action().handler(
        mockContext(input(), {
          secrets: { coderAdminPassword: 'not-the-password' },
        }),
      ),
    ).rejects.toThrow(
      `coder:bootstrap: logging in as admin@example.com at ${coder.url} (cluster "dev") failed: HTTP 401: Incorrect email or password.`,
    );
  });
});
