import { mockServices } from '@backstage/backend-test-utils';
import { CacheService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  requirePeer,
  seedKeycloakRealm,
  SeededKeycloakRealm,
} from '@coder-platform/testing';
import { readClusters } from '../config/readClusters';
import { CoderPlatformService } from './CoderPlatformService';
import { startFaultProxy } from './__testUtils__/faultProxy';
import { readSettings } from './settings';

function memoryCache(): CacheService {
  const store = new Map<string, unknown>();
  const cache: CacheService = {
    get: async key => store.get(key) as any,
    set: async (key, value) => void store.set(key, value),
    delete: async key => void store.delete(key),
    withOptions: () => cache,
  };
  return cache;
}

const settle = () => new Promise(resolve => setTimeout(resolve, 50));

/** Users pages and the realm summary on the real Keycloak, behind a proxy that can hang or fail. */
describe('Keycloak views on the real Keycloak: stale-while-revalidate, back-off, hanging server', () => {
  const peer = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  let seeded: SeededKeycloakRealm;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;

  beforeAll(async () => {
    seeded = await seedKeycloakRealm({
      baseUrl: peer.PEERS_KEYCLOAK_URL,
      adminUser: peer.PEERS_KEYCLOAK_ADMIN_USER,
      adminPassword: peer.PEERS_KEYCLOAK_ADMIN_PASSWORD,
      realm: `kcfaults-${Date.now().toString(36)}`,
      users: 60,
    });
    proxy = await startFaultProxy(peer.PEERS_KEYCLOAK_URL);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await seeded?.remove();
  }, 60_000);

  beforeEach(() => {
    proxy.set('pass');
    proxy.reset();
  });

  function service(
    keycloak: { concurrency?: number; timeoutSeconds?: number } = {},
  ) {
    let now = Date.now();
    const config = new ConfigReader({
      coderPlatform: {
        upstreams: { keycloak },
        clusters: [
          {
            name: 'dev',
            keycloak: {
              baseUrl: proxy.url,
              realm: seeded.realm,
              clientId: seeded.clientId,
              clientSecret: seeded.clientSecret,
            },
          },
        ],
      },
    });
    const svc = new CoderPlatformService({
      clusters: readClusters(config),
      settings: readSettings(config),
      cache: memoryCache(),
      logger: mockServices.logger.mock(),
      now: () => new Date(now),
    });
    return { svc, advance: (ms: number) => (now += ms) };
  }

  const admin = () => proxy.requests.filter(r => r.includes('/admin/'));

  it('serves an old users page at once, then stale with the error, without asking Keycloak on every request while it fails', async () => {
    const { svc, advance } = service();
    const good = await svc.keycloakUsers('dev', { first: 0, max: 10 });
    expect(good.total).toBe(seeded.expected.total);
    advance(24 * 3600_000);
    proxy.set({ status: 503, body: '{"error":"unknown_error"}' });
    proxy.reset();
    const first = await svc.keycloakUsers('dev', { first: 0, max: 10 });
    expect(first).toMatchObject({ stale: false, fetchedAt: good.fetchedAt });
    await settle();
    const tried = admin().length;
    expect(tried).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      await expect(
        svc.keycloakUsers('dev', { first: 0, max: 10 }),
      ).resolves.toMatchObject({
        stale: true,
        fetchedAt: good.fetchedAt,
        total: seeded.expected.total,
        error: {
          upstream: 'keycloak',
          message: expect.stringMatching(/HTTP 503.*Keycloak is failing/),
        },
      });
    }
    await settle();
    expect(admin().length).toBe(tried);
    expect(JSON.stringify(first)).not.toContain(seeded.clientSecret);
  });

  it('keeps the bound at a hanging Keycloak: six uncached pages with limit 2 never hold more than 2 open requests, each closed after the budget', async () => {
    const { svc } = service({ concurrency: 2, timeoutSeconds: 2 });
    // Authenticate first, so only admin requests hang.
    await svc.keycloakUsers('dev', { first: 0, max: 1 });
    proxy.set('hang');
    proxy.reset();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, proxy.open())), 1);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        svc.keycloakUsers('dev', { first: 10 + i, max: 5 }),
      ),
    );
    while (proxy.open() > 0) await settle();
    clearInterval(sampler);
    for (const result of results) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: {
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(/keycloak: no answer within 2 s/),
        },
      });
    }
    expect(peak).toBeLessThanOrEqual(2);
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.closedByClient()).toBe(proxy.requests.length);
  });
});
