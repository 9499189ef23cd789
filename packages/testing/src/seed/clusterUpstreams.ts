/**
 * One Coder development cluster's upstreams, seeded on the real local servers
 * (and Coder's contract server) for the backend plugin's integration test and
 * its benchmark: a Keycloak realm with users, a wal-g layout in the GCS
 * emulator, restic repositories written by the real restic, Helm releases in
 * the API server. Returns the `coderPlatform.clusters[]` entry that reads them.
 */
import { Storage } from '@google-cloud/storage';
import { readFileSync } from 'node:fs';
import { CoderContractServer } from '../coder/CoderContractServer';
import { requirePeer } from '../peers/peersEnv';
import { GcsTlsProxy, startGcsTlsProxy } from './gcsTlsProxy';
import {
  helmUninstall,
  helmUpgradeInstall,
  writeLocalChart,
} from './helmReleases';
import { SeededKeycloakRealm, seedKeycloakRealm } from './keycloakRealm';
import {
  seedResticRepositories,
  SeedResticOptions,
} from './resticRepositories';
import {
  WalgLayout,
  walgLayout,
  WalgLayoutOptions,
  writeWalgLayout,
} from './walgLayout';

export interface ClusterUpstreamsOptions {
  /** Prefix of the realm, bucket and namespace names, made unique per run. */
  name: string;
  /** Regular users in the Keycloak realm. */
  users: number;
  /** The wal-g layout (its prefix is fixed, see `walPrefix`). */
  walg: Omit<WalgLayoutOptions, 'prefix'>;
  /** Parallel uploads of the layout. */
  uploadConcurrency?: number;
  resticPassword: string;
  workspaces: SeedResticOptions['workspaces'];
  releases: Array<{
    release: string;
    chart: string;
    version: string;
    appVersion?: string;
  }>;
  gcpProjectId: string;
}

export interface SeededClusterUpstreams {
  coder: CoderContractServer;
  coderToken: string;
  realm: SeededKeycloakRealm;
  proxy: GcsTlsProxy;
  storage: Storage;
  bucket: string;
  namespace: string;
  walPrefix: string;
  layout: WalgLayout;
  resticBinary: string;
  /** A `coderPlatform.clusters[]` entry named `dev` for all of the above. */
  clusterConfig: Record<string, any>;
  /** Removes everything seeded and stops the servers started here. */
  remove(): Promise<void>;
}

const walPrefix = 'spilo/dev/main-postgres-db/main/wal/14';

export async function seedClusterUpstreams(
  options: ClusterUpstreamsOptions,
): Promise<SeededClusterUpstreams> {
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

  const unique = `${options.name}-${Date.now().toString(36)}`;
  const bucket = unique;
  const namespace = unique;
  const helm = { helmBin: PEERS_HELM_BIN, kubeconfig: kube.PEERS_KUBECONFIG };
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: options.gcpProjectId,
  });

  const coder = await CoderContractServer.start();
  const coderToken = coder.seedFirstUser({
    email: 'admin@example.com',
    username: 'admin',
    password: 'pw-123456',
  });
  const realm = await seedKeycloakRealm({
    baseUrl: kc.PEERS_KEYCLOAK_URL,
    adminUser: kc.PEERS_KEYCLOAK_ADMIN_USER,
    adminPassword: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    realm: unique,
    users: options.users,
  });
  const layout = walgLayout({ prefix: walPrefix, ...options.walg });
  await storage.createBucket(bucket);
  await writeWalgLayout(
    storage.bucket(bucket),
    layout,
    options.uploadConcurrency,
  );
  const proxy = await startGcsTlsProxy({ gcsUrl: PEERS_GCS_URL });
  await seedResticRepositories({
    resticBin: PEERS_RESTIC_BIN,
    bucket,
    prefix: 'coder/dev',
    password: options.resticPassword,
    env: proxy.env,
    caCertFile: proxy.caFile,
    workspaces: options.workspaces,
  });
  for (const { release, ...chart } of options.releases) {
    await helmUpgradeInstall({
      ...helm,
      release,
      namespace,
      chartDir: await writeLocalChart({ name: chart.chart, ...chart }),
    });
  }

  const clusterConfig = {
    name: 'dev',
    coder: { url: coder.url, token: coderToken },
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
        {
          name: 'main-postgres-db',
          prefix: walPrefix,
          schedule: '0 1 * * *',
          retain: 14,
        },
      ],
      restic: {
        prefix: 'coder/dev',
        password: options.resticPassword,
        httpsProxy: proxy.env.HTTPS_PROXY,
        caCertFile: proxy.caFile,
      },
    },
    kubernetes: {
      url: kube.PEERS_KUBE_URL,
      caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
      auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
    },
    gcp: { projectId: options.gcpProjectId },
  };

  return {
    coder,
    coderToken,
    realm,
    proxy,
    storage,
    bucket,
    namespace,
    walPrefix,
    layout,
    resticBinary: PEERS_RESTIC_BIN,
    clusterConfig,
    async remove() {
      await realm.remove();
      for (const { release } of options.releases) {
        await helmUninstall({ ...helm, release, namespace });
      }
      await proxy.stop();
      await storage.bucket(bucket).deleteFiles({ force: true });
      await storage.bucket(bucket).delete();
      await coder.stop();
    },
  };
}
