/*
 * wal-g reader on a prefix with 50,000 WAL objects in the GCS emulator.
 *
 *   bash scripts/peers/peers.sh up gcs
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/backend-walg.ts [walSegments]
 *
 * With FAKE_GCS_BIN set (the peers' fake-gcs-server binary, e.g.
 * ~/.cache/coder-platform-peers/fake-gcs-server-v1.56.1/fake-gcs-server) the
 * bench writes the layout to a folder and starts its own emulator preloaded
 * from it (`-data`), which is far faster than 50,000 uploads on a busy machine.
 * With WALG_BENCH_IN_MEMORY=1 it runs on the in-memory bucket of
 * @coder-platform/testing (GCS's ordering, prefix, delimiter, startOffset and
 * paging semantics; no network): request counts are exact, times are not GCS's.
 *
 * Prints GCS requests and wall time of: listing base backups, finding the
 * newest WAL file from the latest backup (what the route does), from scratch
 * (no hint), and, for comparison, a plain listing of every WAL object.
 */
import { Bucket, Storage } from '@google-cloud/storage';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  InMemoryBucket,
  requirePeer,
  walgLayout,
  writeWalgLayout,
} from '@coder-platform/testing';
import { WalgBackups } from '@coder-platform/plugin-coder-platform-node';

async function main() {
  const segments = Number(process.argv[2] ?? 50_000);
  const bucketName = `bench-walg-${Date.now().toString(36)}`;
  const prefix = 'spilo/bench/main-postgres-db/main/wal/14';
  const layout = walgLayout({
    prefix,
    walSegments: segments,
    days: 14,
    timelineSwitches: [0.3, 0.8],
  });
  let t = Date.now();
  let gcsUrl: string;
  let stopEmulator = async () => {};
  let bucket!: Bucket;
  if (process.env.WALG_BENCH_IN_MEMORY) {
    const memory = new InMemoryBucket(bucketName);
    for (const object of layout.objects)
      memory.put(object.name, object.contents);
    bucket = memory as unknown as Bucket;
    gcsUrl = 'in-memory';
  } else if (process.env.FAKE_GCS_BIN) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-walg-'));
    for (const object of layout.objects) {
      const path = join(dir, bucketName, object.name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, object.contents);
    }
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      process.env.FAKE_GCS_BIN,
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
    gcsUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${gcsUrl}/storage/v1/b`)).ok) break;
      } catch {
        // not yet
      }
      if (i > 600) throw new Error('preloaded fake-gcs-server did not start');
      await new Promise(r => setTimeout(r, 500));
    }
    stopEmulator = async () => {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    };
    console.log(
      `preloaded a private fake-gcs-server (${process.env.FAKE_GCS_BIN}) in ${
        Date.now() - t
      } ms`,
    );
  } else {
    gcsUrl = requirePeer('gcs', ['PEERS_GCS_URL']).PEERS_GCS_URL;
  }
  const storage = new Storage({ apiEndpoint: gcsUrl, projectId: 'bench' });
  if (!process.env.WALG_BENCH_IN_MEMORY) bucket = storage.bucket(bucketName);
  if (!process.env.FAKE_GCS_BIN && !process.env.WALG_BENCH_IN_MEMORY) {
    await storage.createBucket(bucketName);
    // Plain media uploads straight to the emulator (the client's save() is
    // slower); the reads below use the official client.
    await writeWalgLayout(
      {
        file: name => ({
          save: async contents => {
            const url = `${gcsUrl}/upload/storage/v1/b/${bucketName}/o?uploadType=media&name=${encodeURIComponent(
              name,
            )}`;
            const response = await fetch(url, {
              method: 'POST',
              body: contents,
            });
            if (!response.ok)
              throw new Error(`upload ${name}: HTTP ${response.status}`);
          },
        }),
      },
      layout,
      64,
    );
  }
  console.log(
    `seeded ${layout.objects.length} objects (${
      layout.walFileCount
    } under wal_005/, ${
      layout.backups.length
    } base backups, timelines ${layout.timelines.join(',')}) in ${
      Date.now() - t
    } ms`,
  );

  const counted = () => {
    const ops = { list: 0, read: 0 };
    const walg = new WalgBackups({ bucket, onRequest: op => (ops[op] += 1) });
    return { walg, ops };
  };

  {
    const { walg, ops } = counted();
    t = Date.now();
    const backups = await walg.listBackups(prefix);
    console.log(
      `listBackups: ${backups.length} backups, ${ops.list} list + ${
        ops.read
      } read requests, ${Date.now() - t} ms`,
    );
    const again = counted();
    t = Date.now();
    await again.walg.listBackups(prefix, { known: backups });
    console.log(
      `listBackups (warm refresh, all known): ${again.ops.list} list + ${
        again.ops.read
      } read requests, ${Date.now() - t} ms`,
    );

    const latest = backups[backups.length - 1];
    const fromBackup = counted();
    t = Date.now();
    const wal = await fromBackup.walg.findNewestWal(prefix, {
      fromSegment: latest.startSegment,
    });
    console.log(
      `findNewestWal from latest backup ${latest.startSegment}: ${
        wal.newestFile
      } (expected ${layout.newestWalFile}), ${
        wal.listRequests
      } list requests, ${Date.now() - t} ms`,
    );
    const refresh = counted();
    t = Date.now();
    const again2 = await refresh.walg.findNewestWal(prefix, {
      fromSegment: wal.newestSegment,
    });
    console.log(
      `findNewestWal from last known newest: ${again2.newestFile}, ${
        again2.listRequests
      } list requests, ${Date.now() - t} ms`,
    );
  }
  {
    const { walg } = counted();
    t = Date.now();
    const wal = await walg.findNewestWal(prefix);
    console.log(
      `findNewestWal from scratch: ${wal.newestFile}, ${
        wal.listRequests
      } list requests, ${Date.now() - t} ms`,
    );
  }
  {
    t = Date.now();
    let pages = 0;
    let objects = 0;
    let pageToken: string | undefined;
    do {
      const [files, next] = await bucket.getFiles({
        prefix: `${prefix}/wal_005/`,
        maxResults: 1000,
        pageToken,
        autoPaginate: false,
      });
      pages += 1;
      objects += files.length;
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
    console.log(
      `for comparison, listing every WAL object: ${objects} objects, ${pages} list requests, ${
        Date.now() - t
      } ms`,
    );
  }
  if (process.env.FAKE_GCS_BIN) {
    await stopEmulator();
  } else if (!process.env.WALG_BENCH_IN_MEMORY) {
    await bucket.deleteFiles({ force: true });
    await bucket.delete();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
