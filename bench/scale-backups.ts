/*
 * Issue 13, bench 1: `backups/postgres` through a real backend replica on the
 * real GCS emulator (fake-gcs-server, the peers' build, its own process and
 * folder) holding 100 base backups and N WAL objects (default 20,000,
 * 200,000 and 2,000,000). The emulator runs on its filesystem backend and
 * the objects are written straight into that backend's on-disk format
 * (bench/lib/gcsfs): no uploads, no `-data` preload (408 s for 20,000).
 *
 * Prints latency cold and warm, GCS requests per call (counted by a proxy in
 * front of the emulator) and of the scheduled refresh after new WAL arrived,
 * against the lower bound: one listing of the backup sentinels. Also the
 * emulator's own time for one WAL listing page (it walks the whole bucket on
 * every listing) and the replica's memory (5 clusters configured).
 *
 *   bash scripts/peers/peers.sh up postgres redis gcs
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/scale-backups.ts [walObjects...]
 *   BENCH_WAL_OBJECTS=20000,200000 node ... bench/scale-backups.ts
 */
import { Storage } from '@google-cloud/storage';
import {
  ProxiedRequest,
  RecordingPrefixProxy,
  startReplica,
} from '@coder-platform/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  removeGcsfsBuild,
  startFsEmulator,
  FsEmulator,
} from './lib/fsEmulator';
import { report, Row, rssMiB, sampleRss } from './lib/report';
import {
  BACKUPS,
  isSentinelListing,
  nextWalFile,
  PREFIX,
  requestKinds,
  writeBenchBuckets,
} from './lib/walgBucket';

const REFRESH_MINUTES = 0.25;
const OTHER_CLUSTERS = ['c2', 'c3', 'c4', 'c5'];
/** Per size, from the first object written to the refresh measured. */
const SIZE_BUDGET_MS =
  Number(process.env.BENCH_SIZE_TIMEOUT_MINUTES ?? 25) * 60_000;
const ROUTE = '/api/coder-platform/clusters/bench/backups/postgres';

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const load = () => loadavg()[0].toFixed(1);
const progress = (message: string) =>
  // eslint-disable-next-line no-console
  console.error(`  ${new Date().toISOString().slice(11, 19)} ${message}`);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** Lower bound and emulator context, measured before the replica starts. */
async function context(proxy: RecordingPrefixProxy, bucket: string) {
  const storage = (caller: string) =>
    new Storage({ apiEndpoint: proxy.urlFor(caller), projectId: 'bench' });
  const sentinels = () =>
    storage('bound')
      .bucket(bucket)
      .getFiles({
        prefix: `${PREFIX}/basebackups_005/`,
        delimiter: '/',
        autoPaginate: false,
        maxResults: 1000,
      });
  const [[files], boundMs] = await timed(sentinels);
  // One page of the WAL folder from a start offset, as the WAL search asks.
  const [, walListMs] = await timed(() =>
    storage('context')
      .bucket(bucket)
      .getFiles({
        prefix: `${PREFIX}/wal_005/`,
        startOffset: `${PREFIX}/wal_005/0000000`,
        autoPaginate: false,
        maxResults: 100,
      }),
  );
  return {
    boundMs,
    boundRequests: proxy.requests.filter(r => r.caller === 'bound').length,
    sentinelsListed: files.length,
    walListMs,
  };
}

async function measure(walObjects: number): Promise<Row> {
  const sizeStart = performance.now();
  const left = () => SIZE_BUDGET_MS - (performance.now() - sizeStart);
  const run = randomBytes(3).toString('hex');
  const root = await mkdtemp(join(tmpdir(), 'scale-backups-'));
  const row: Row = {
    layout: `${walObjects.toLocaleString('en')} WAL objects asked`,
  };
  let emulator: FsEmulator | undefined;
  let proxy: RecordingPrefixProxy | undefined;
  let replica: Awaited<ReturnType<typeof startReplica>> | undefined;
  let sampler: { stop(): number } | undefined;
  try {
    const buckets = await writeBenchBuckets(
      root,
      walObjects,
      run,
      OTHER_CLUSTERS,
    );
    const { layout, bucket } = buckets;
    row.layout = `${layout.objects.length.toLocaleString(
      'en',
    )} objects (${layout.walFileCount.toLocaleString('en')} WAL, ${
      layout.backups.length
    } backups)`;
    row.data_write_s = buckets.writeSeconds;
    progress(
      `wrote ${buckets.objectsWritten} objects in ${buckets.writeSeconds} s`,
    );
    emulator = await startFsEmulator(root);
    row.emulator_start_s = emulator.startSeconds;
    proxy = await RecordingPrefixProxy.start(emulator.url);
    const ctx = await context(proxy, bucket);
    row.lower_bound_ms = ctx.boundMs.toFixed(0);
    row.lower_bound_requests = ctx.boundRequests;
    row.emulator_wal_list_ms = ctx.walListMs.toFixed(0);
    progress(
      `lower bound ${row.lower_bound_ms} ms, WAL page ${row.emulator_wal_list_ms} ms`,
    );

    const cluster = (name: string) => ({
      name,
      backups: {
        bucket: name === 'bench' ? bucket : buckets.othersBucket,
        endpoint: proxy!.urlFor(name),
        postgres: [
          {
            name: 'main-postgres-db',
            prefix: name === 'bench' ? PREFIX : buckets.otherPrefix(name),
            schedule: '00 01 * * *',
            retain: name === 'bench' ? BACKUPS : 7,
          },
        ],
      },
    });
    const replicaStart = Date.now();
    replica = await startReplica({
      name: 'bench',
      databasePrefix: `scale_${run}_`,
      cacheNamespace: `scale-${run}`,
      coderPlatform: {
        refresh: { frequencyMinutes: REFRESH_MINUTES, timeoutMinutes: 120 },
        upstreams: { gcs: { concurrency: 4, timeoutSeconds: 7200 } },
        // Five clusters configured (bench 4 measures memory with five).
        clusters: ['bench', ...OTHER_CLUSTERS].map(cluster),
      },
    });
    const readyAt = Date.now();
    const pid = replica.process.pid!;
    row.rss_idle_mib = rssMiB(pid);
    sampler = sampleRss(pid);
    const bench = (since: number, until = Infinity) =>
      proxy!.requests.filter(
        r => r.caller === 'bench' && r.at >= since && r.at < until,
      );
    type Answer = { status: number; body: any };
    // A call gives up (status 0) when the size's budget runs out.
    const call = async () => {
      let timer: NodeJS.Timeout | undefined;
      const [answer, ms] = await timed(() =>
        Promise.race<Answer>([
          replica!.get(ROUTE).catch((error: Error) => ({
            status: 0,
            body: { error: String(error) },
          })),
          new Promise<Answer>(r => {
            timer = setTimeout(
              () => r({ status: 0, body: { error: 'size budget ran out' } }),
              Math.max(0, left()),
            );
          }),
        ]),
      );
      clearTimeout(timer);
      return { ...answer, ms };
    };

    // Cold: the first request after start, then (if it was not a 200) until
    // the first 200; its GCS requests are all the replica made until then
    // (the start-up refresh and the request share one read).
    progress('replica ready; cold request');
    const ticker = setInterval(() => {
      const mine = bench(replicaStart);
      const last = mine[mine.length - 1];
      progress(
        `${mine.length} GCS requests so far; last ${
          last?.method
        } ${decodeURIComponent(last?.path ?? '-').slice(0, 120)}`,
      );
    }, 60_000);
    const cold = await call();
    row.cold_status = cold.status;
    row.cold_ms = cold.ms.toFixed(0);
    progress(
      `cold: ${cold.status} in ${row.cold_ms} ms, ${
        bench(replicaStart).length
      } GCS requests`,
    );
    let first = cold;
    while (first.status !== 200 && left() > 0) {
      await new Promise(r => setTimeout(r, 2000));
      first = await call();
    }
    clearInterval(ticker);
    if (first.status !== 200) {
      row.result = `no 200 within the budget; last ${
        first.status
      } ${JSON.stringify(first.body).slice(0, 160)}`;
      // How far the cold read got: its requests, and the emulator's pace on
      // the WAL search's listings (each walks the whole bucket).
      const done = bench(replicaStart);
      row.cold_gcs_requests = `${done.length} (unfinished)`;
      row.cold_kinds = requestKinds(done);
      const lists = done.filter(r =>
        decodeURIComponent(r.path).includes(`prefix=${PREFIX}/wal_005/`),
      );
      if (lists.length > 1) {
        const spanMs = lists[lists.length - 1].at - lists[0].at;
        row.cold_s_per_wal_list = seconds(spanMs / (lists.length - 1));
      }
      row.cold_ms = `>${(Date.now() - readyAt).toFixed(0)}`;
      return row;
    }
    row.first_200_s = seconds(Date.now() - readyAt);
    const coldRequests = bench(replicaStart);
    row.cold_gcs_requests = coldRequests.length;
    row.cold_kinds = requestKinds(coldRequests);
    row.backups_seen = first.body.items?.[0]?.count ?? '?';

    const warmFrom = Date.now();
    const warm = await call();
    row.warm_ms = warm.ms.toFixed(0);
    row.warm_gcs_requests = bench(warmFrom, Date.now()).length;

    // New WAL arrives (the segment after the newest, uploaded straight to the
    // emulator); the first scheduled refresh that starts after it is the
    // steady state: counted from its sentinel listing to the next one.
    const newFile = nextWalFile(layout.newestWalFile);
    await new Storage({ apiEndpoint: emulator.url, projectId: 'bench' })
      .bucket(bucket)
      .file(`${PREFIX}/wal_005/${newFile}`)
      .save('new wal', { resumable: false });
    const uploaded = Date.now();
    progress(
      `first 200 after ${row.first_200_s} s; new WAL ${newFile} uploaded`,
    );
    const refresh = await steadyRefresh(proxy, uploaded, left());
    if (!refresh) {
      row.result = 'no complete refresh after the new WAL within the budget';
      return row;
    }
    row.refresh_gcs_requests = refresh.length;
    row.refresh_kinds = requestKinds(refresh);
    const after = await call();
    row.refresh_saw_new_wal =
      after.body.items?.[0]?.wal?.newestFile === newFile ? 'yes' : 'no';
    row.rss_peak_mib = sampler.stop();
    sampler = undefined;
    row.ratio_cold = (
      Number(row.cold_gcs_requests) / Number(row.lower_bound_requests)
    ).toFixed(1);
    row.ratio_refresh = (
      refresh.length / Number(row.lower_bound_requests)
    ).toFixed(1);
    row.result = 'complete';
    return row;
  } catch (error) {
    row.result = `failed: ${String(error).slice(0, 200)}`;
    return row;
  } finally {
    // An early return leaves the sampler running: stop it (its timer would
    // keep the process alive) and keep the peak seen so far.
    if (sampler) row.rss_peak_mib = sampler.stop();
    row.load_1m_at_end = load();
    row.total_s = seconds(performance.now() - sizeStart);
    await replica?.kill();
    await proxy?.stop();
    await emulator?.stop();
    // Printed before the folder goes: removing millions of files takes minutes.
    // eslint-disable-next-line no-console
    console.error(JSON.stringify(row));
    progress(`removing ${root}`);
    const removing = performance.now();
    await rm(root, { recursive: true, force: true });
    progress(`removed in ${seconds(performance.now() - removing)} s`);
  }
}

/**
 * The bench caller's requests of the first refresh that starts after
 * `since`: from its sentinel listing up to the next refresh's (or to 10 s of
 * quiet, when no next refresh starts).
 */
async function steadyRefresh(
  proxy: RecordingPrefixProxy,
  since: number,
  budgetMs: number,
): Promise<ProxiedRequest[] | undefined> {
  const deadline = Date.now() + Math.max(0, budgetMs);
  const mine = () => proxy.requests.filter(r => r.caller === 'bench');
  let start: ProxiedRequest | undefined;
  while (Date.now() < deadline) {
    const all = mine();
    start ??= all.find(r => r.at >= since && isSentinelListing(r));
    if (start) {
      const s = start;
      const next = all.find(r => r.at > s.at && isSentinelListing(r));
      const last = all[all.length - 1];
      if (next || Date.now() - last.at > 10_000) {
        return all.filter(r => r.at >= s.at && (!next || r.at < next.at));
      }
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  return undefined;
}

function sizes(): number[] {
  const args = process.argv.slice(2);
  const list = args.length
    ? args
    : (process.env.BENCH_WAL_OBJECTS ?? '20000,200000,2000000').split(/[,\s]+/);
  return list.filter(Boolean).map(s => {
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 10) {
      throw new Error(
        `WAL object count "${s}" (argument or BENCH_WAL_OBJECTS) must be an integer of at least 10`,
      );
    }
    return n;
  });
}

async function main() {
  const wanted = sizes();
  const rows: Row[] = [];
  for (const size of wanted) {
    // eslint-disable-next-line no-console
    console.error(`backups bench: ${size} WAL objects (load ${load()})`);
    rows.push(await measure(size));
  }
  await removeGcsfsBuild();
  report({
    title: `Postgres backups view, ${BACKUPS} base backups on the GCS emulator (filesystem backend)`,
    command: `node --require @backstage/cli/config/nodeTransform.cjs bench/scale-backups.ts ${wanted.join(
      ' ',
    )}`,
    rows,
    notes: [
      'Emulator: fake-gcs-server (peers build) on `-backend filesystem`, its own process and folder; objects written in its on-disk format (file + `user.metadata` xattr) by bench/lib/gcsfs (data_write_s), no uploads.',
      'cold: first request after the replica started; if it was not a 200, polled every 2 s until the first 200 (first_200_s from the replica answering its first request); cold_gcs_requests: every GCS request of the measured cluster until then. warm: the same request again.',
      'refresh: the first scheduled refresh (every 15 s) starting after one new WAL segment was uploaded, from its sentinel listing to the next refresh; refresh_saw_new_wal: the route then names that segment as newest.',
      'lower bound: one listing of the backup sentinels (`basebackups_005/`, delimiter `/`), measured on the idle emulator before the replica started. emulator_wal_list_ms: one 100-object page of `wal_005/` from a start offset, for context (the filesystem backend walks and decodes the whole bucket on every listing, so this grows with the bucket).',
      'A size that runs out of its budget (BENCH_SIZE_TIMEOUT_MINUTES, default 25, from the first object written) shows how far the cold read got: cold_gcs_requests "(unfinished)" and cold_s_per_wal_list, the mean time between its WAL listings on the emulator.',
      'rss: the backend replica (5 clusters configured, the 4 others on a small bucket of their own), idle after start and peak during these calls. load_1m_at_end: 1-minute load average of the shared 2-core machine after the size finished.',
    ],
  });
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
