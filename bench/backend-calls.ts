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
import {
  CoderContractServer,
  helmUninstall,
  helmUpgradeInstall,
  requirePeer,
  seedKeycloakRealm,
  seedResticRepositories,
  startGcsTlsProxy,
  walgLayout,
  writeLocalChart,
  writeWalgLayout,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { readFileSync } from 'node:fs';
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
  const kc = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBECONFIG',
  ]);
  const { PEERS_HELM_BIN } = requirePeer('helm', ['PEERS_HELM_BIN']);
  const { PEERS_RESTIC_BIN } = requirePeer('restic', ['PEERS_RESTIC_BIN']);
  const suffix = Date.now().toString(36);
  const bucket = `calls-${suffix}`;
  const namespace = `calls-${suffix}`;
  const prefix = 'spilo/dev/main-postgres-db/main/wal/14';
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'bench',
  });
  const helm = { helmBin: PEERS_HELM_BIN, kubeconfig: kube.PEERS_KUBECONFIG };

  const coder = await CoderContractServer.start();
  const token = coder.seedFirstUser({
    email: 'a@example.com',
    username: 'admin',
    password: 'pw-123456',
  });
  for (let i = 0; i < 30; i++)
    coder.addWorkspace({ owner_name: `user${i % 7}`, name: `ws${i}` });
  const realm = await seedKeycloakRealm({
    baseUrl: kc.PEERS_KEYCLOAK_URL,
    adminUser: kc.PEERS_KEYCLOAK_ADMIN_USER,
    adminPassword: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    realm: `calls-${suffix}`,
    users: 500,
  });
  await storage.createBucket(bucket);
  const layout = walgLayout({ prefix, walSegments: 3000, days: 14 });
  await writeWalgLayout(storage.bucket(bucket), layout, 32);
  const proxy = await startGcsTlsProxy({ gcsUrl: PEERS_GCS_URL });
  await seedResticRepositories({
    resticBin: PEERS_RESTIC_BIN,
    bucket,
    prefix: 'coder/dev',
    password: 'pw',
    env: proxy.env,
    caCertFile: proxy.caFile,
    workspaces: [
      { name: 'coder-a-dev', snapshots: 3, files: 5 },
      { name: 'coder-b-dev', snapshots: 1, files: 5 },
      { name: 'coder-c-dev', snapshots: 2, files: 5 },
    ],
  });
  for (const [release, chart, version] of [
    ['coder', 'coder', '2.25.1'],
    ['main', 'keycloak', '25.1.0'],
  ]) {
    await helmUpgradeInstall({
      ...helm,
      release,
      namespace,
      chartDir: await writeLocalChart({ name: chart, version }),
    });
  }

  const root = new ConfigReader({
    coderPlatform: {
      restic: { binary: PEERS_RESTIC_BIN },
      clusters: [
        {
          name: 'dev',
          coder: { url: coder.url, token },
          keycloak: {
            baseUrl: kc.PEERS_KEYCLOAK_URL,
            realm: realm.realm,
            clientId: realm.clientId,
            clientSecret: realm.clientSecret,
          },
          backups: {
            bucket,
            endpoint: PEERS_GCS_URL,
            postgres: [
              { name: 'main', prefix, schedule: '0 1 * * *', retain: 14 },
            ],
            restic: {
              prefix: 'coder/dev',
              password: 'pw',
              httpsProxy: proxy.env.HTTPS_PROXY,
              caCertFile: proxy.caFile,
            },
          },
          kubernetes: {
            url: kube.PEERS_KUBE_URL,
            caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
            auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
          },
          gcp: { projectId: 'bench' },
        },
      ],
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
    await realm.remove();
    for (const release of ['coder', 'main'])
      await helmUninstall({ ...helm, release, namespace });
    await proxy.stop();
    await storage.bucket(bucket).deleteFiles({ force: true });
    await storage.bucket(bucket).delete();
    await coder.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
