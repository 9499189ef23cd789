/*
 * Issue 13, bench 1: `backups/postgres` through a real backend replica on the
 * real GCS emulator holding 100 base backups and N WAL objects (default
 * 20,000, 200,000 and 2,000,000), preloaded from a `-data` folder rather than
 * by uploads. Prints latency cold and warm, GCS requests per call (counted by
 * a proxy in front of the emulator) and the requests of a scheduled refresh
 * after new WAL arrived, against the lower bound: one listing of the backup
 * sentinels. Also the replica's memory (5 clusters configured).
 *
 *   bash scripts/peers/peers.sh up postgres redis gcs
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/scale-backups.ts [walObjects...]
 */
import { Storage } from '@google-cloud/storage';
import {
  RecordingPrefixProxy,
  requirePeer,
  startReplica,
  walgLayout,
} from '@coder-platform/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { report, Row, rssMiB, sampleRss } from './lib/report';

const BACKUPS = 100;
const REFRESH_MINUTES = 0.25;

function fakeGcsBinary(): string {
  const { PEERS_GCS_VERSION } = requirePeer('gcs', ['PEERS_GCS_VERSION']);
  const bin = join(
    homedir(),
    '.cache/coder-platform-peers',
    `fake-gcs-server-${PEERS_GCS_VERSION}`,
    'fake-gcs-server',
  );
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`yarn peers up gcs\` first`);
  }
  return bin;
}

async function startPreloadedEmulator(dir: string) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child: ChildProcess = spawn(
    fakeGcsBinary(),
    [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(port),
      '-backend',
      'memory',
      '-data',
      dir,
      '-log-level',
      'warn',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/storage/v1/b`)).ok) break;
    } catch {
      /* loading */
    }
    if (child.exitCode !== null)
      throw new Error('fake-gcs-server exited while loading');
    if (Date.now() - started > 30 * 60_000)
      throw new Error('fake-gcs-server did not load within 30 min');
    await new Promise(r => setTimeout(r, 1000));
  }
  return { url, child, loadSeconds: Math.round((Date.now() - started) / 1000) };
}

async function measure(walObjects: number): Promise<Row[]> {
  const bucket = `scale-${randomBytes(3).toString('hex')}`;
  const prefix = 'spilo/scale/main-postgres-db/main/wal/14';
  const layout = walgLayout({
    prefix,
    days: BACKUPS,
    walSegments: walObjects,
    fullEvery: 7,
    timelineSwitches: [0.5],
  });
  let t = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'scale-backups-'));
  const made = new Set<string>();
  for (const object of layout.objects) {
    const path = join(dir, bucket, object.name);
    const parent = dirname(path);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFile(path, object.contents);
  }
  const writeSeconds = Math.round((Date.now() - t) / 1000);
  const emulator = await startPreloadedEmulator(dir);
  const proxy = await RecordingPrefixProxy.start(emulator.url);
  const run = randomBytes(4).toString('hex');
  const cluster = (name: string) => ({
    name,
    backups: {
      bucket,
      endpoint: proxy.urlFor(name),
      postgres: [
        {
          name: 'main-postgres-db',
          prefix,
          schedule: '00 01 * * *',
          retain: BACKUPS,
        },
      ],
    },
  });
  const replica = await startReplica({
    name: 'bench',
    databasePrefix: `scale_${run}_`,
    cacheNamespace: `scale-${run}`,
    coderPlatform: {
      refresh: { frequencyMinutes: REFRESH_MINUTES, timeoutMinutes: 10 },
      upstreams: { gcs: { concurrency: 4, timeoutSeconds: 600 } },
      // Five clusters configured (bench 4 measures memory with five); the
      // other four read the same bucket under their own caller names.
      clusters: ['bench', 'c2', 'c3', 'c4', 'c5'].map(cluster),
    },
  });
  const pid = replica.process.pid!;
  const idleRss = rssMiB(pid);
  const gcsRequests = (caller: string) =>
    proxy.requests.filter(r => r.caller === caller).length;
  const rows: Row[] = [];
  try {
    const call = async () => {
      const before = gcsRequests('bench');
      const start = performance.now();
      const answer = await replica.get(
        '/api/coder-platform/clusters/bench/backups/postgres',
      );
      const ms = performance.now() - start;
      if (answer.status !== 200)
        throw new Error(
          `route: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      return { ms, requests: gcsRequests('bench') - before, body: answer.body };
    };
    const sampler = sampleRss(pid);
    const cold = await call();
    const warm = await call();
    // New WAL arrives (one segment, uploaded straight to the emulator), then
    // the next scheduled refresh runs: its cost is the steady state.
    const storage = new Storage({
      apiEndpoint: emulator.url,
      projectId: 'bench',
    });
    await storage
      .bucket(bucket)
      .file(`${prefix}/wal_005/${'F'.repeat(24)}.lz4`)
      .save('new wal', { resumable: false });
    const beforeRefresh = gcsRequests('bench');
    await proxy.next(r => r.caller === 'bench');
    await new Promise(r => setTimeout(r, 15_000));
    const refreshRequests = gcsRequests('bench') - beforeRefresh;
    const peakRss = sampler.stop();

    // Lower bound: one listing of the sentinels.
    const bound = new Storage({
      apiEndpoint: proxy.urlFor('bound'),
      projectId: 'bench',
    });
    const boundStart = performance.now();
    await bound.bucket(bucket).getFiles({
      prefix: `${prefix}/basebackups_005/`,
      delimiter: '/',
      autoPaginate: false,
      maxResults: 1000,
    });
    const boundMs = performance.now() - boundStart;
    const boundRequests = gcsRequests('bound');

    const label = `${layout.objects.length.toLocaleString(
      'en',
    )} objects (${layout.walFileCount.toLocaleString('en')} WAL, ${
      layout.backups.length
    } backups)`;
    const item = cold.body.items?.[0];
    rows.push({
      layout: label,
      cold_ms: cold.ms.toFixed(0),
      cold_gcs_requests: cold.requests,
      warm_ms: warm.ms.toFixed(0),
      warm_gcs_requests: warm.requests,
      refresh_gcs_requests: refreshRequests,
      lower_bound_requests: boundRequests,
      lower_bound_ms: boundMs.toFixed(0),
      ratio_cold: (cold.requests / boundRequests).toFixed(1),
      backups_seen: item?.count ?? '?',
      rss_idle_mib: idleRss,
      rss_peak_mib: peakRss,
      data_write_s: writeSeconds,
      emulator_load_s: emulator.loadSeconds,
    });
    return rows;
  } finally {
    await replica.kill();
    await proxy.stop();
    emulator.child.kill();
    await rm(dir, { recursive: true, force: true });
    t = Date.now();
  }
}

async function main() {
  const sizes = process.argv.slice(2).map(Number);
  const rows: Row[] = [];
  for (const size of sizes.length ? sizes : [20_000, 200_000, 2_000_000]) {
    rows.push(...(await measure(size)));
  }
  report({
    title: `Postgres backups view, ${BACKUPS} base backups on the GCS emulator`,
    command:
      `node --require @backstage/cli/config/nodeTransform.cjs bench/scale-backups.ts ${process.argv
        .slice(2)
        .join(' ')}`.trim(),
    rows,
    notes: [
      'cold: first request after start (empty cache); warm: the same request again; refresh: the scheduled refresh after one new WAL segment arrived (steady state).',
      'lower bound: one listing of the backup sentinels (`basebackups_005/`, delimiter `/`).',
      'rss: the backend replica (5 clusters configured), idle after start and peak during these calls.',
    ],
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
