import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readClusters } from '../config/readClusters';
import { fakeKeycloak } from './__testUtils__/fakeKeycloak';
import { CoderPlatformService } from './CoderPlatformService';
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

describe('the scheduled refresh', () => {
  it('reads the realm summary and the first users page, so the Users tab never pays a cold read', async () => {
    const kc = await fakeKeycloak(
      Array.from({ length: 5 }, (_, i) => ({
        id: `id-${i}`,
        username: `user${i}`,
        enabled: true,
        emailVerified: i > 0,
      })),
    );
    try {
      const config = new ConfigReader({
        coderPlatform: {
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
      const service = new CoderPlatformService({
        clusters: readClusters(config),
        settings: readSettings(config),
        cache: memoryCache(),
        logger: mockServices.logger.mock(),
      });
      await service.refreshAll();
      const afterRefresh = kc.requests.length;
      // five counts for the summary, a page and its count
      expect(afterRefresh).toBe(7);
      const page = await service.keycloakUsers('dev', { first: 0, max: 20 });
      expect(page).toMatchObject({ total: 5, stale: false });
      await service.keycloakSummary('dev');
      expect(kc.requests.length).toBe(afterRefresh);
    } finally {
      await kc.close();
    }
  });
});
