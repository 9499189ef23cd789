import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createKeycloakAdminPasswordClient } from '@coder-platform/plugin-coder-platform-node';
import {
  CoderContractServer,
  ProxiedUpstreams,
  proxyClusterUpstreams,
  ProxyFault,
} from '@coder-platform/testing';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { createKeycloakRealmAction } from './keycloakRealm';
import { mockContext } from '../gcp/__testUtils__/harness';
import { keycloakPeer, uniqueName } from './__testUtils__/peers';

/**
 * keycloak:realm against the real Keycloak and coder:template:push against
 * Coder's contract server, each behind a fault proxy: the create answered
 * 503, cut after the upstream acted on it (the answer is lost), dropped, or
 * hanging. The step fails with an error naming the upstream, or succeeds
 * when it can tell the create went through; a re-run (fresh, or resumed with
 * the task's checkpoints) completes with one realm / one template, the
 * mutating calls counted at the proxy and on the server.
 */
jest.setTimeout(120_000);

const FAULTS: ProxyFault[] = [
  { kind: 'status', status: 503, body: 'upstream is restarting' },
  { kind: 'cut' },
  { kind: 'refuse' },
];
const cases = FAULTS.map(f => [f.kind, f] as const);

describe('keycloak:realm and coder:template:push with faulty upstreams', () => {
  const keycloak = keycloakPeer();
  const mockDir = createMockDirectory();
  let coder: CoderContractServer;
  let proxied: ProxiedUpstreams;
  let config: ConfigReader;
  const realms: string[] = [];

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    const token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pw-123456',
    });
    proxied = await proxyClusterUpstreams(
      {
        name: 'faulty',
        keycloak: keycloak.keycloak(),
        coder: { url: coder.url, token },
      },
      'actions',
    );
    config = new ConfigReader({
      coderPlatform: { clusters: [proxied.clusterConfig] },
    });
    mockDir.setContent({ 'devbox/main.tf': '# devbox\n' });
  });
  afterEach(() => {
    proxied.proxies.keycloak.clearFaults();
    proxied.proxies.coder.clearFaults();
  });
  afterAll(async () => {
    const kc = await createKeycloakAdminPasswordClient({
      baseUrl: keycloak.env.PEERS_KEYCLOAK_URL,
      username: keycloak.env.PEERS_KEYCLOAK_ADMIN_USER,
      password: keycloak.env.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    });
    for (const realm of realms)
      await kc.realms.del({ realm }).catch(() => undefined);
    await proxied?.stop();
    await coder?.stop();
  });

  async function attempt(
    action: { handler: (ctx: any) => Promise<void> },
    input: Record<string, unknown>,
    options: { checkpoints?: Map<string, unknown>; signal?: AbortSignal } = {},
  ) {
    const run = mockContext(input, {
      ...options,
      workspacePath: mockDir.path,
    });
    const error = await action.handler(run.ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    return { ...run, error };
  }

  const count = (
    upstream: 'keycloak' | 'coder',
    from: number,
    method: string,
    path: RegExp,
  ) =>
    proxied.proxies[upstream].requests
      .slice(from)
      .filter(r => r.method === method && path.test(r.path)).length;

  describe('keycloak:realm', () => {
    const action = () => createKeycloakRealmAction({ config });
    const CREATE = /^\/admin\/realms\/?$/;

    it.each(cases)(
      '%s on the create: the step names Keycloak or sees the realm; the re-run leaves one realm, created once',
      async (kind, fault) => {
        const realm = uniqueName('flt-realm');
        realms.push(realm);
        const proxy = proxied.proxies.keycloak;
        proxy.fault(CREATE, fault, 'POST');
        const first = await attempt(action(), { cluster: 'faulty', realm });
        const created = count('keycloak', 0, 'POST', CREATE);
        // A cut create went through and its answer was lost: the action
        // reads the realm back and carries on. Otherwise the step fails
        // naming Keycloak, the cluster and the realm.
        expect(first.error?.message ?? '').toMatch(
          kind === 'cut'
            ? /^$/
            : new RegExp(`^(?=.*keycloak)(?=.*"faulty")(?=.*"${realm}")`, 'i'),
        );
        expect(first.error?.message ?? '').not.toContain(
          keycloak.env.PEERS_KEYCLOAK_ADMIN_PASSWORD,
        );

        proxy.clearFaults();
        const from = proxy.requests.length;
        const again = await attempt(action(), { cluster: 'faulty', realm });
        expect(again.error).toBeUndefined();
        expect(again.outputs()).toMatchObject({
          realm,
          changed: kind !== 'cut',
        });
        // Keycloak saw at most one successful create across both runs.
        expect(count('keycloak', from, 'POST', CREATE)).toBe(
          kind === 'cut' ? 0 : 1,
        );
        expect(created).toBeGreaterThan(0);
      },
    );

    it('a hanging create gives way to the task being cancelled', async () => {
      const realm = uniqueName('flt-hang');
      realms.push(realm);
      const proxy = proxied.proxies.keycloak;
      proxy.fault(CREATE, 'hang', 'POST');
      const controller = new AbortController();
      proxy
        .next(r => r.fault === 'hang')
        .then(() => {
          controller.abort(new Error('task cancelled'));
          setImmediate(() => proxy.clearFaults());
        });
      const failed = await attempt(
        action(),
        { cluster: 'faulty', realm },
        { signal: controller.signal },
      );
      expect(failed.error?.message).toMatch(/cancel|abort/i);
      expect(count('keycloak', 0, 'POST', CREATE)).toBeGreaterThan(0);
    });
  });

  /**
   * Naming the upstream is half of it: after a 503 or a dropped connection
   * the step must also say what to do (check that the upstream is up and
   * reachable from the backend, then run the task again).
   */
  it.each(FAULTS.filter(f => f.kind !== 'cut').map(f => [f.kind, f] as const))(
    'the step errors after %s say what to do',
    async (_kind, fault) => {
      proxied.proxies.keycloak.fault(/^\/admin\/realms\/?$/, fault, 'POST');
      proxied.proxies.coder.fault(/^\/api\/v2\/files/, fault, 'POST');
      const realm = uniqueName('flt-msg');
      realms.push(realm);
      const kc = await attempt(createKeycloakRealmAction({ config }), {
        cluster: 'faulty',
        realm,
      });
      const push = await attempt(
        createCoderTemplatePushAction({ config, pollIntervalMs: 10 }),
        { cluster: 'faulty', name: uniqueName('flt-msg'), directory: 'devbox' },
      );
      const actionable =
        /^(?=.*\bfaulty\b)(?=.*(reachable|unavailable|is (it )?up))(?=.*(run (it |the task )?again|retry))/is;
      expect([kc.error?.message, push.error?.message]).toEqual([
        expect.stringMatching(actionable),
        expect.stringMatching(actionable),
      ]);
    },
  );

  describe('coder:template:push', () => {
    const action = () =>
      createCoderTemplatePushAction({ config, pollIntervalMs: 10 });
    const CREATE = /^\/api\/v2\/organizations\/[^/]+\/templates\/?$/;
    const VERSION = /^\/api\/v2\/organizations\/[^/]+\/templateversions\/?$/;
    const input = (name: string) => ({
      cluster: 'faulty',
      name,
      directory: 'devbox',
    });
    const templates = (name: string) =>
      coder.templateNames().filter(n => n === name);

    it.each(cases)(
      '%s on the template create: the step names Coder; resumed and fresh re-runs leave one template',
      async (kind, fault) => {
        const name = uniqueName('flt-tpl');
        const proxy = proxied.proxies.coder;
        const checkpoints = new Map<string, unknown>();
        proxy.fault(CREATE, fault, 'POST');
        const first = await attempt(action(), input(name), { checkpoints });
        expect(first.error?.message).toMatch(/Coder|coder:template:push/);
        expect(first.error!.message).toMatch(new RegExp(name));
        expect(templates(name)).toHaveLength(kind === 'cut' ? 1 : 0);

        proxy.clearFaults();
        const versions = coder.versionCount();
        const from = proxy.requests.length;
        const resumed = await attempt(action(), input(name), { checkpoints });
        expect(resumed.error).toBeUndefined();
        const fresh = await attempt(action(), input(name));
        expect(fresh.error).toBeUndefined();
        expect(fresh.outputs()).toMatchObject({ changed: false });
        expect(templates(name)).toHaveLength(1);
        // The resumed run reuses the version it made; nothing is created twice.
        expect(count('coder', from, 'POST', VERSION)).toBe(0);
        expect(count('coder', from, 'POST', CREATE)).toBe(
          kind === 'cut' ? 0 : 1,
        );
        expect(coder.versionCount()).toBe(versions);
      },
    );

    it('a hanging version upload gives way to the task being cancelled', async () => {
      const name = uniqueName('flt-tplhang');
      const proxy = proxied.proxies.coder;
      proxy.fault(VERSION, 'hang', 'POST');
      const controller = new AbortController();
      proxy
        .next(r => r.fault === 'hang')
        .then(() => {
          controller.abort(new Error('task cancelled'));
          setImmediate(() => proxy.clearFaults());
        });
      const failed = await attempt(action(), input(name), {
        signal: controller.signal,
      });
      expect(failed.error?.message).toMatch(/cancel|abort/i);
      expect(templates(name)).toHaveLength(0);
    });
  });
});
