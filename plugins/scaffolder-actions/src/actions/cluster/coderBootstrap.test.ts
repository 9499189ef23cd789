import { ConfigReader } from '@backstage/config';
import { CoderClient } from '@coder-platform/plugin-coder-platform-node';
import { CoderContractServer } from '@coder-platform/testing';
import { createCoderBootstrapAction } from './coderBootstrap';
import { loggedText, mockContext } from './__testUtils__/context';
import { fakeKubeConfig, startFakeKube } from './__testUtils__/fakeKube';
import { GKE_PROJECT, startGke } from './__testUtils__/gke';

const SESSION = 'coder/coder-admin-session';

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
  /** An API server holding the session-token Secret coder:bootstrap wrote. */
  const withStoredToken = async (token: string) => {
    await kube.stop();
    kube = await startFakeKube({ [SESSION]: { 'session-token': token } });
  };
  const seedAdmin = () =>
    coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'the-real-password',
    });
  const mutations = () => coder.requests.filter(r => r.method !== 'GET');

  it.each([false, true])(
    'without a first user, refuses a run without the password naming the task secret (dry run %s)',
    async isDryRun => {
      await expect(
        action().handler(mockContext(input(), { isDryRun })),
      ).rejects.toThrow(
        `coder:bootstrap: Coder at ${coder.url} has no first user yet; the Coder admin password is needed, but the task secret "coderAdminPassword" (input passwordSecret) is missing`,
      );
      expect(mutations()).toEqual([]);
      expect(kube.writes()).toEqual([]);
    },
  );

  it('names a custom passwordSecret when it is missing', async () => {
    await expect(
      action().handler(
        mockContext({ ...input(), passwordSecret: 'adminPw' }, { secrets: {} }),
      ),
    ).rejects.toThrow('the task secret "adminPw" (input passwordSecret)');
  });

  it.each([false, true])(
    'an upgrade (first user exists, stored token works) needs no password and changes nothing (dry run %s)',
    async isDryRun => {
      await withStoredToken(seedAdmin());
      const ctx = mockContext(input(), { isDryRun });
      await action().handler(ctx);
      expect(Object.fromEntries(ctx.output.mock.calls)).toEqual({
        created: false,
        changed: false,
        secretName: SESSION,
      });
      expect(mutations()).toEqual([]);
      expect(kube.writes()).toEqual([]);
      expect(loggedText(ctx)).toContain(
        isDryRun
          ? `the token in Secret ${SESSION} works`
          : `the session token in Secret ${SESSION} still works; kept it`,
      );
    },
  );

  it.each([
    ['missing', undefined],
    ["not admin@example.com's or no longer works", 'expired-token'],
  ])(
    'an upgrade whose stored token is %s needs the password to log in again',
    async (why, token) => {
      seedAdmin();
      if (token) await withStoredToken(token);
      await expect(action().handler(mockContext(input()))).rejects.toThrow(
        `coder:bootstrap: Coder at ${coder.url} has its first user, but the session token in Secret ${SESSION} is ${why}, so the action must log in again; the Coder admin password is needed, but the task secret "coderAdminPassword" (input passwordSecret) is missing`,
      );
      expect(mutations()).toEqual([]);
      expect(kube.writes()).toEqual([]);
    },
  );

  it('dry run reads Coder and the Secret, writes nothing', async () => {
    const ctx = mockContext(input(), {
      isDryRun: true,
      secrets: { coderAdminPassword: 'pa55word-admin' },
    });
    await action().handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create first user admin@example.com; would log in and store a session token in Secret coder/coder-admin-session',
    );
    expect(mutations()).toEqual([]);
    expect(kube.writes()).toEqual([]);
    await expect(
      new CoderClient({ baseUrl: coder.url }).hasFirstUser(),
    ).resolves.toBe(false);
  });

  it('names a wrong password for an existing first user', async () => {
    seedAdmin();
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

describe('coder:bootstrap dry run against a GKE cluster not created yet', () => {
  jest.setTimeout(60_000);
  const PLANNED = `projects/${GKE_PROJECT}/locations/europe-west3-c/clusters/new-gke`;
  let gke: Awaited<ReturnType<typeof startGke>>;
  beforeAll(async () => {
    gke = await startGke('http://127.0.0.1:1');
  });
  afterAll(() => gke?.stop());
  const action = () =>
    createCoderBootstrapAction({
      config: new ConfigReader({ coderPlatform: gke.config }),
      authClient: gke.authClient,
    });
  const input = { email: 'admin@example.com', cluster: PLANNED };

  it('plans the first user with the password', async () => {
    const ctx = mockContext(input, {
      isDryRun: true,
      secrets: { coderAdminPassword: 'pa55word-admin' },
    });
    await action().handler(ctx);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      `cluster ${PLANNED} is not created yet: would create the first Coder user admin@example.com and store a session token`,
    );
    expect(ctx.output).toHaveBeenCalledWith('created', false);
  });

  it('refuses without it: a new cluster has no first user', async () => {
    await expect(
      action().handler(mockContext(input, { isDryRun: true })),
    ).rejects.toThrow(
      `coder:bootstrap: the cluster "${PLANNED}" is not created yet, so Coder has no first user; the Coder admin password is needed, but the task secret "coderAdminPassword" (input passwordSecret) is missing`,
    );
  });
});
