/**
 * The demo cluster's backups in the GCS emulator: a wal-g layout of daily
 * full and delta base backups (one day missing, so a delta chain is broken)
 * and restic repositories written by the real restic.
 */
import { Storage } from '@google-cloud/storage';
import {
  seedResticRepositories,
  walgLayout,
  writeWalgLayout,
} from '@coder-platform/testing';
import {
  BUCKET,
  RESTIC_PREFIX,
  RESTIC_WORKSPACES,
  WALG_DAYS,
  WALG_MISSING_INDEX,
  WALG_PREFIX,
} from './demoCluster';

export async function ensureBucket(storage: Storage): Promise<void> {
  const [exists] = await storage.bucket(BUCKET).exists();
  if (!exists) await storage.createBucket(BUCKET);
}

/**
 * Replaces the wal-g layout with one ending now. Returns the newest base
 * backup's name and the number of backups.
 */
export async function writeDemoWalg(
  storage: Storage,
  now: Date,
): Promise<{ newestBackup: string; backups: number; objects: number }> {
  const bucket = storage.bucket(BUCKET);
  await bucket.deleteFiles({ prefix: `${WALG_PREFIX}/`, force: true });
  const layout = walgLayout({
    prefix: WALG_PREFIX,
    now,
    days: WALG_DAYS,
    walSegments: 900,
    fullEvery: 4,
    timelineSwitches: [0.6],
    omitBackups: index => index === WALG_MISSING_INDEX,
    pgVersion: 15,
  });
  await writeWalgLayout(bucket, layout, 16);
  return {
    newestBackup: layout.backups[layout.backups.length - 1].name,
    backups: layout.backups.length,
    objects: layout.objects.length,
  };
}

/** True when the base backup's stop sentinel is in the bucket. */
export async function walgBackupExists(
  storage: Storage,
  name: string,
): Promise<boolean> {
  const [exists] = await storage
    .bucket(BUCKET)
    .file(`${WALG_PREFIX}/basebackups_005/${name}_backup_stop_sentinel.json`)
    .exists();
  return exists;
}

/** Workspace repositories missing or incomplete (fewer snapshots than seeded). */
export async function missingResticWorkspaces(storage: Storage) {
  const missing: typeof RESTIC_WORKSPACES = [];
  for (const workspace of RESTIC_WORKSPACES) {
    const [snapshots] = await storage.bucket(BUCKET).getFiles({
      prefix: `${RESTIC_PREFIX}/${workspace.name}/snapshots/`,
    });
    if (snapshots.length !== workspace.snapshots) missing.push(workspace);
  }
  return missing;
}

/** Creates the missing repositories (init + backups) with the real restic. */
export async function writeDemoRestic(options: {
  storage: Storage;
  resticBin: string;
  password: string;
  proxyEnv: Record<string, string>;
  caFile: string;
  workspaces: typeof RESTIC_WORKSPACES;
}): Promise<void> {
  // A half-written repository from an interrupted start is removed first.
  for (const workspace of options.workspaces) {
    await options.storage.bucket(BUCKET).deleteFiles({
      prefix: `${RESTIC_PREFIX}/${workspace.name}/`,
      force: true,
    });
  }
  await seedResticRepositories({
    resticBin: options.resticBin,
    bucket: BUCKET,
    prefix: RESTIC_PREFIX,
    password: options.password,
    env: options.proxyEnv,
    caCertFile: options.caFile,
    workspaces: options.workspaces,
  });
}
