/*
 * Upstream calls per request, cold and warm, for every route's view, against
 * the real local servers (Keycloak, GCS emulator, Kubernetes + helm, restic)
 * and Coder's contract server.
 *
 *   bash scripts/peers/peers.sh up keycloak gcs kube helm restic
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/backend-calls.ts
 */
import { ConfigReader } from '@backstage/config';
import { CacheService } from '@backstage/backend-plugin-api';
import { seedClusterUpstreams } from '@coder-platform/testing';
import { readClusters } from '../plugins/coder-platform-backend/src/config/readClusters';
import { CoderPlatformService } from '../plugins/coder-platform-backend/src/service/CoderPlatformService';
import { readSettings } from '../plugins/coder-platform-backend/src/service/settings';

const logger = {
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
  debug() {},
  child() {
    return logger;
  },
} as any;

async function main() {
  const seeded = await seedClusterUpstreams({
    name: 'calls',
    users: 500,
    walg: { walSegments: 3000, days: 14 },
    uploadConcurrency: 32,
    resticPassword: 'pw',
    workspaces: [
      { name: 'coder-a-dev', snapshots: 3, files: 5 },
      { name: 'coder-b-dev', snapshots: 1, files: 5 },
      { name: 'coder-c-dev', snapshots: 2, files: 5 },
    ],
    releases: [
      { release: 'coder', chart: 'coder', version: '2.25.1' },
      { release: 'main', chart: 'keycloak', version: '25.1.0' },
    ],
    gcpProjectId: 'bench',
  });
  const { coder, realm, proxy, layout } = seeded;
  for (let i = 0; i < 30; i++)
    coder.addWorkspace({ owner_name: `user${i % 7}`, name: `ws${i}` });

  const root = new ConfigReader({
    coderPlatform: {
      restic: { binary: seeded.resticBinary },
      clusters: [seeded.clusterConfig],
    },
  });
  const store = new Map<string, unknown>();
  const cache: CacheService = {
    get: async key => store.get(key) as any,
    set: async (key, value) => void store.set(key, value),
    delete: async key => void store.delete(key),
    withOptions: () => cache,
  };
  const service = new CoderPlatformService({
    clusters: readClusters(root),
    settings: readSettings(root),
    cache,
    logger,
  });

  const snapshot = () => ({
    ...Object.fromEntries(service.calls.counts),
    'coder (server side)': coder.requests.length,
    'restic → GCS (via proxy)': proxy.requests.length,
  });
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(b)
        .map(k => [k.replace(/^dev\//, ''), b[k] - (a[k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    );
  const measure = async (label: string, fn: () => Promise<unknown>) => {
    for (const phase of ['cold', 'warm']) {
      const before = snapshot();
      const start = Date.now();
      await fn();
      console.log(
        `${label.padEnd(44)} ${phase}: ${JSON.stringify(
          diff(before, snapshot()),
        )} ${Date.now() - start} ms`,
      );
    }
  };

  try {
    await measure('GET /clusters/dev/coder', () =>
      service.coderOverview('dev'),
    );
    await measure('GET /clusters/dev/workspaces?limit=25', () =>
      service.workspaces('dev', { limit: 25, offset: 0 }),
    );
    await measure('GET /clusters/dev/keycloak/users?max=20', () =>
      service.keycloakUsers('dev', { first: 0, max: 20 }),
    );
    await measure('GET /clusters/dev/keycloak/users?search=user00', () =>
      service.keycloakUsers('dev', { search: 'user00', first: 0, max: 20 }),
    );
    const user = (
      await service.keycloakUsers('dev', {
        search: realm.userWithGroups,
        first: 0,
        max: 1,
      })
    ).items[0];
    await measure('GET /clusters/dev/keycloak/users/:id/groups', () =>
      service.keycloakUserGroups('dev', user.id),
    );
    await measure('GET /clusters/dev/keycloak/summary', () =>
      service.keycloakSummary('dev'),
    );
    await measure('GET /clusters/dev/backups/postgres', () =>
      service.postgresBackups('dev'),
    );
    await measure('GET /clusters/dev/backups/workspaces', () =>
      service.workspaceBackups('dev'),
    );
    await measure('GET /clusters/dev/releases', () => service.releases('dev'));
    const before = snapshot();
    await service.refreshAll();
    console.log(
      `scheduled refresh of every view (warm clients): ${JSON.stringify(
        diff(before, snapshot()),
      )}`,
    );
    console.log(
      `(${layout.backups.length} base backups, ${layout.walFileCount} WAL objects, 500 users, 3 restic repositories, 2 releases)`,
    );
  } finally {
    await seeded.remove();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
