import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readClusters } from '../config/readClusters';
import { fakeKeycloak } from './__testUtils__/fakeKeycloak';
import { CoderPlatformService } from './CoderPlatformService';
import { readSettings } from './settings';

/** A CacheService that records every key and TTL written. */
function recordingCache() {
  const entries = new Map<string, unknown>();
  const writes: { key: string; ttl?: number }[] = [];
  const cache = {
    get: async (key: string) => entries.get(key),
    set: async (key: string, value: unknown, options?: { ttl?: number }) => {
      writes.push({ key, ttl: options?.ttl as number | undefined });
      entries.set(key, value);
    },
    delete: async (key: string) => {
      entries.delete(key);
    },
    withOptions: () => cache,
  } as unknown as CacheService;
  return { cache, writes };
}

describe('cache keys', () => {
  it('never holds a search term, and keeps searched pages briefly', async () => {
    const kc = await fakeKeycloak([
      {
        id: 'id-1',
        username: 'alice.secret-project',
        enabled: true,
        emailVerified: true,
      },
    ]);
    try {
      const config = new ConfigReader({
        coderPlatform: {
          cache: { searchKeepSeconds: 120 },
          clusters: [
            {
              name: 'dev',
              keycloak: {
                baseUrl: kc.baseUrl,
                realm: 'dev',
                clientId: 'backstage',
                clientSecret: 'kc-secret-value-1',
              },
            },
          ],
        },
      });
      const { cache, writes } = recordingCache();
      const service = new CoderPlatformService({
        clusters: readClusters(config),
        settings: readSettings(config),
        cache,
        logger: mockServices.logger.mock(),
      });
      await service.keycloakUsers('dev', {
        search: 'secret-project',
        first: 0,
        max: 20,
      });
      await service.keycloakUsers('dev', { first: 0, max: 20 });
      await service.keycloakUsers('dev', {
        search: 'secret-project',
        first: 0,
        max: 20,
        enabled: true,
      });
      expect(writes).toHaveLength(3);
      for (const { key } of writes) {
        expect(key).toMatch(/^coder-platform:v1:dev:keycloakUsers:[\w-]{22}$/);
        expect(key).not.toContain('secret');
      }
      // Three distinct pages, three keys.
      expect(new Set(writes.map(w => w.key)).size).toBe(3);
      expect(writes.map(w => w.ttl)).toEqual([
        120_000,
        7 * 24 * 3600_000,
        120_000,
      ]);
    } finally {
      await kc.close();
    }
  });
});
