import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ProxiedUpstream,
  ProxiedUpstreams,
  proxyClusterUpstreams,
  ProxyFault,
  SeededClusterUpstreams,
  seedClusterUpstreams,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import request from 'supertest';
import { coderPlatformPlugin } from './plugin';

/**
 * Every upstream of a cluster (Keycloak, the Kubernetes API server, the GCS
 * emulator, Coder's contract server) behind a fault proxy, in front of the
 * real plugin: hanging, cut mid-response, dropped or answering 503, a route
 * answers the last good value marked stale with the error naming the
 * upstream, or, with nothing cached, 503 naming the upstream — never a 500 —
 * and the other routes keep being served.
 */
jest.setTimeout(180_000);

type Route = { upstream: ProxiedUpstream; path: string; faulted: RegExp };

/** One cached view per upstream, and the upstream paths the fault hits. */
const ROUTES: Route[] = [
  // Only the admin API: the token request still passes, the listing fails.
  {
    upstream: 'keycloak',
    path: '/keycloak/summary',
    faulted: /^\/admin\//,
  },
  { upstream: 'kubernetes', path: '/releases', faulted: /^\/api\// },
  { upstream: 'gcs', path: '/backups/postgres', faulted: /./ },
  { upstream: 'coder', path: '/coder', faulted: /^\/api\/v2\// },
];

const FAULTS: ProxyFault[] = [
  { kind: 'hang' },
  { kind: 'cut' },
  { kind: 'refuse' },
  { kind: 'status', status: 503, body: 'upstream is restarting' },
];

/** The route of another upstream than `upstream`, to prove the rest is served. */
const other = (upstream: ProxiedUpstream) =>
  ROUTES.find(r => r.upstream !== upstream)!;

describe('coder-platform backend with faulty upstreams', () => {
  const transport = useNodeHttpTransportForStorage();
  let seeded: SeededClusterUpstreams;
  let proxied: ProxiedUpstreams;
  let config: object;
  const servers: Array<{ close(): void }> = [];

  beforeAll(async () => {
    seeded = await seedClusterUpstreams({
      name: 'faults',
      users: 12,
      walg: { now: new Date(), walSegments: 60 },
      resticPassword: 'restic-faults-pw',
      workspaces: [{ name: 'coder-alice-dev', snapshots: 1, files: 1 }],
      releases: [
        {
          release: 'coder',
          chart: 'coder',
          version: '2.25.1',
          appVersion: '2.25.1',
        },
      ],
      gcpProjectId: 'test',
    });
    proxied = await proxyClusterUpstreams(seeded.clusterConfig);
    const timeout = { timeoutSeconds: 3 };
    config = {
      coderPlatform: {
        refresh: { enabled: false },
        restic: { binary: seeded.resticBinary },
        // Every request past the first revalidates behind its answer.
        cache: {
          maxAgeSeconds: {
            coder: 0,
            keycloakSummary: 0,
            postgresBackups: 0,
            releases: 0,
          },
        },
        // Short budgets, so a hanging upstream is given up on quickly.
        upstreams: {
          keycloak: timeout,
          kubernetes: timeout,
          gcs: timeout,
          coder: timeout,
        },
        clusters: [proxied.clusterConfig],
      },
    };
  }, 300_000);

  afterEach(() => {
    for (const p of Object.values(proxied?.proxies ?? {})) p.clearFaults();
  });

  afterAll(async () => {
    servers.forEach(s => s.close());
    await proxied?.stop();
    await seeded?.remove();
    transport.restore();
  }, 120_000);

  async function backend() {
    const { server } = await startTestBackend({
      features: [
        coderPlatformPlugin,
        mockServices.rootConfig.factory({ data: config as any }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    servers.push(server);
    return server;
  }

  const get = (server: any, path: string) =>
    request(server).get(`/api/coder-platform/clusters/dev${path}`);

  const secrets = () => [
    seeded.realm.clientSecret,
    seeded.coderToken,
    'restic-faults-pw',
    String(seeded.clusterConfig.kubernetes.auth.token),
  ];

  it('passes every upstream through its proxy when no fault is set', async () => {
    const server = await backend();
    const answers = [];
    for (const route of ROUTES) {
      const response = await get(server, route.path);
      answers.push({
        path: route.path,
        status: response.status,
        stale: response.body.stale,
        error: response.body.error?.message,
      });
    }
    expect(answers).toEqual(
      ROUTES.map(r => ({ path: r.path, status: 200, stale: false })),
    );
    for (const name of Object.keys(proxied.proxies) as ProxiedUpstream[]) {
      expect(proxied.proxies[name].requests.length).toBeGreaterThan(0);
    }
  });

  describe.each(ROUTES)('$upstream ($path)', route => {
    it.each(FAULTS.map(f => [f.kind, f] as const))(
      'nothing cached, %s: 503 naming the upstream; the other routes still answer',
      async (_kind, fault) => {
        const server = await backend();
        const proxy = proxied.proxies[route.upstream];
        const faultedBefore = proxy.faulted(fault.kind).length;
        proxy.fault(route.faulted, fault);
        const response = await get(server, route.path);
        expect(response.status).toBe(503);
        expect(response.body.error.message).toMatch(
          new RegExp(`^${route.upstream} of cluster dev is unavailable`),
        );
        for (const secret of secrets())
          expect(response.text).not.toContain(secret);
        expect(proxy.faulted(fault.kind).length).toBeGreaterThan(faultedBefore);

        const list = await request(server).get('/api/coder-platform/clusters');
        expect(list.status).toBe(200);
        const rest = await get(server, other(route.upstream).path);
        expect(rest.status).toBe(200);
      },
    );

    it('while a request hangs on it, every other route is served', async () => {
      const server = await backend();
      const proxy = proxied.proxies[route.upstream];
      proxy.fault(route.faulted, 'hang');
      const hung = proxy.next(r => r.fault === 'hang');
      const pending = get(server, route.path).then(r => r);
      await hung;
      // The faulted request is still waiting on its upstream here.
      const others = await Promise.all([
        request(server).get('/api/coder-platform/clusters'),
        ...ROUTES.filter(r => r.upstream !== route.upstream).map(r =>
          get(server, r.path),
        ),
      ]);
      expect(others.map(o => o.status)).toEqual(others.map(() => 200));
      const answer = await pending;
      expect(answer.status).toBe(503);
      expect(answer.body.error.message).toMatch(
        new RegExp(`^${route.upstream} of cluster dev is unavailable`),
      );
    });

    it.each(FAULTS.map(f => [f.kind, f] as const))(
      'cached before, %s: the last good value, stale, with the error naming the upstream',
      async (_kind, fault) => {
        const server = await backend();
        const good = await get(server, route.path);
        expect(good.status).toBe(200);
        expect(good.body.stale).toBe(false);
        proxied.proxies[route.upstream].fault(route.faulted, fault);

        // The first answer is served at once and revalidates behind it;
        // once that attempt has failed, answers carry the error.
        const answers: request.Response[] = [];
        let last: request.Response | undefined;
        for (let i = 0; i < 60 && !last?.body.stale; i++) {
          last = await get(server, route.path);
          answers.push(last);
          if (!last.body.stale) await new Promise(r => setTimeout(r, 250));
        }
        expect(answers.map(a => a.status)).toEqual(answers.map(() => 200));
        expect(last!.body).toMatchObject({
          stale: true,
          fetchedAt: good.body.fetchedAt,
          error: { upstream: route.upstream, message: expect.any(String) },
        });
        const { fetchedAt, stale, error, ...data } = last!.body;
        const { fetchedAt: _f, stale: _s, ...goodData } = good.body;
        expect(data).toEqual(goodData);
        for (const secret of secrets())
          expect(last!.text).not.toContain(secret);

        const rest = await get(server, other(route.upstream).path);
        expect(rest.status).toBe(200);
      },
    );
  });

  it('serves fresh values again once the upstream is back', async () => {
    const server = await backend();
    const route = ROUTES.find(r => r.upstream === 'coder')!;
    const proxy = proxied.proxies.coder;
    expect((await get(server, route.path)).status).toBe(200);
    proxy.fault(route.faulted, 503);
    let answer: request.Response | undefined;
    for (let i = 0; i < 60 && !answer?.body.stale; i++) {
      answer = await get(server, route.path);
      if (!answer.body.stale) await new Promise(r => setTimeout(r, 250));
    }
    expect(answer!.body.stale).toBe(true);
    proxy.clearFaults();
    // After the back-off, a request revalidates again and the error goes.
    for (let i = 0; i < 120 && answer!.body.stale; i++) {
      await new Promise(r => setTimeout(r, 250));
      answer = await get(server, route.path);
    }
    expect(answer!.status).toBe(200);
    expect(answer!.body.stale).toBe(false);
    expect(answer!.body.error).toBeUndefined();
  });
});
