/**
 * Seeds the local demo cluster on the local servers (idempotent: what a
 * previous start left is reused) and runs its long-lived parts until it gets
 * SIGTERM or SIGINT: Coder's contract server and the TLS proxy restic reaches
 * the GCS emulator through. Writes, under <peers dir>/local-cluster/:
 *   app-config.local-cluster.yaml  the portal config overlay
 *   catalog.yaml                   the cluster's catalog entities
 *   expected.json                  seeded values the e2e test asserts
 *   ready.json                     written last, once everything answers
 *
 *   bash scripts/peers/peers.sh up keycloak kube helm gcs restic
 *   node --require @backstage/cli/config/nodeTransform.cjs scripts/local-cluster/run.ts
 *
 * scripts/start-portal.sh runs it before the portal.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Storage } from '@google-cloud/storage';
import {
  peersEnvFile,
  requirePeer,
  startGcsTlsProxy,
} from '@coder-platform/testing';
import {
  ensureBucket,
  missingResticWorkspaces,
  walgBackupExists,
  writeDemoRestic,
  writeDemoWalg,
} from './backups';
import { startDemoCoder } from './coder';
import {
  CLUSTER_NAME,
  CLUSTER_TITLE,
  LOGIN_USER,
  REALM,
  SEED_VERSION,
  SIGN_IN_CLIENT_ID,
  WALG_MAX_AGE_MS,
  demoReleases,
} from './demoCluster';
import { demoRealmExists, seedDemoRealm } from './keycloak';
import { catalogEntities, overlayConfig } from './portalFiles';
import { ensureDemoReleases } from './releases';

interface State {
  seedVersion: number;
  secrets: {
    clientSecret: string;
    signInClientSecret: string;
    loginPassword: string;
    resticPassword: string;
  };
  keycloak?: { total: number };
  walg?: { writtenAt: string; newestBackup: string; backups: number };
}

const root = resolve(__dirname, '../..');
const APP_BASE_URL = process.env.APP_BASE_URL ?? 'http://localhost:3000';
const BACKEND_BASE_URL =
  process.env.BACKEND_BASE_URL ?? 'http://localhost:7007';

function log(message: string) {
  console.log(`[local-cluster] ${message}`);
}

async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  log(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

function secret() {
  return randomBytes(18).toString('base64url');
}

function readState(file: string): State {
  if (existsSync(file)) {
    const state = JSON.parse(readFileSync(file, 'utf8')) as State;
    if (state.seedVersion === SEED_VERSION) return state;
    log(
      `seed version changed (${state.seedVersion} -> ${SEED_VERSION}): seeding again`,
    );
    return {
      ...state,
      seedVersion: SEED_VERSION,
      keycloak: undefined,
      walg: undefined,
    };
  }
  return {
    seedVersion: SEED_VERSION,
    secrets: {
      clientSecret: secret(),
      signInClientSecret: secret(),
      loginPassword: secret(),
      resticPassword: secret(),
    },
  };
}

async function main() {
  const started = Date.now();
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

  const dir = resolve(dirname(peersEnvFile()), 'local-cluster');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const readyFile = resolve(dir, 'ready.json');
  rmSync(readyFile, { force: true });
  const stateFile = resolve(dir, 'state.json');
  const state = readState(stateFile);
  const saveState = () =>
    writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  saveState();
  const now = new Date();

  const peer = {
    baseUrl: kc.PEERS_KEYCLOAK_URL,
    adminUser: kc.PEERS_KEYCLOAK_ADMIN_USER,
    adminPassword: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
  };
  if (state.keycloak && (await demoRealmExists(peer))) {
    log(`Keycloak realm ${REALM}: reused (${state.keycloak.total} users)`);
  } else {
    state.keycloak = await step(`Keycloak realm ${REALM}: seeded`, () =>
      seedDemoRealm({
        peer,
        secrets: state.secrets,
        backendBaseUrl: BACKEND_BASE_URL,
        appBaseUrl: APP_BASE_URL,
      }),
    );
    saveState();
  }

  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'local-demo',
  });
  await ensureBucket(storage);
  const walgAge = state.walg
    ? now.getTime() - Date.parse(state.walg.writtenAt)
    : Infinity;
  // The emulator may have been reset since (peers down): check the newest sentinel.
  if (
    state.walg &&
    walgAge < WALG_MAX_AGE_MS &&
    (await walgBackupExists(storage, state.walg.newestBackup))
  ) {
    log(`wal-g layout: reused (${state.walg.backups} base backups)`);
  } else {
    const written = await step(
      'wal-g layout: written to the GCS emulator',
      () => writeDemoWalg(storage, now),
    );
    state.walg = { writtenAt: now.toISOString(), ...written };
    saveState();
  }

  const proxy = await startGcsTlsProxy({ gcsUrl: PEERS_GCS_URL });
  const missing = await missingResticWorkspaces(storage);
  if (missing.length === 0) {
    log('restic repositories: reused');
  } else {
    await step(
      `restic repositories: ${missing.length} written with restic`,
      () =>
        writeDemoRestic({
          storage,
          resticBin: PEERS_RESTIC_BIN,
          password: state.secrets.resticPassword,
          proxyEnv: proxy.env,
          caFile: proxy.caFile,
          workspaces: missing,
        }),
    );
  }

  const releases = await step('Helm releases: checked', () =>
    ensureDemoReleases({
      helmBin: PEERS_HELM_BIN,
      kubeconfig: kube.PEERS_KUBECONFIG,
    }),
  );
  log(
    `Helm releases: ${releases.installed} of ${releases.total} installed now`,
  );

  const { coder, token, workspaces } = await step(
    'Coder contract server: started with templates and workspaces',
    () => startDemoCoder(now),
  );

  const catalogFile = resolve(dir, 'catalog.yaml');
  writeFileSync(catalogFile, catalogEntities(peer.baseUrl));
  const overlayFile = resolve(dir, 'app-config.local-cluster.yaml');
  writeFileSync(
    overlayFile,
    overlayConfig({
      baseConfigFile: resolve(root, 'app-config.yaml'),
      catalogFile,
      coder: { url: coder.url, token },
      keycloak: {
        baseUrl: peer.baseUrl,
        clientSecret: state.secrets.clientSecret,
      },
      gcsUrl: PEERS_GCS_URL,
      restic: {
        binary: PEERS_RESTIC_BIN,
        password: state.secrets.resticPassword,
        httpsProxy: proxy.env.HTTPS_PROXY,
        caCertFile: proxy.caFile,
      },
      kube: {
        url: kube.PEERS_KUBE_URL,
        caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
        token: kube.PEERS_KUBE_TOKEN,
      },
    }),
    { mode: 0o600 },
  );
  const coderRelease = demoReleases().find(r => r.chart === 'coder')!;
  writeFileSync(
    resolve(dir, 'expected.json'),
    JSON.stringify(
      {
        cluster: CLUSTER_NAME,
        title: CLUSTER_TITLE,
        coderUrl: coder.url,
        keycloak: {
          url: peer.baseUrl,
          realm: REALM,
          total: state.keycloak.total,
          signInClientId: SIGN_IN_CLIENT_ID,
          signInClientSecret: state.secrets.signInClientSecret,
          loginUser: LOGIN_USER,
          loginPassword: state.secrets.loginPassword,
        },
        newestBackup: state.walg.newestBackup,
        workspaces: workspaces.map(w => ({
          name: w.name,
          owner: w.owner,
          template: w.template.name,
          status: w.status,
        })),
        coderRelease: {
          namespace: coderRelease.namespace,
          version: coderRelease.version,
        },
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the Coder contract server and the restic proxy`);
    rmSync(readyFile, { force: true });
    await Promise.allSettled([coder.stop(), proxy.stop()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  writeFileSync(readyFile, JSON.stringify({ pid: process.pid, overlayFile }));
  log(
    `ready in ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s: "${CLUSTER_TITLE}", Coder API at ${
      coder.url
    }; config overlay ${overlayFile}`,
  );
}

main().catch(error => {
  console.error(`[local-cluster] failed: ${error?.stack ?? error}`);
  process.exit(1);
});
