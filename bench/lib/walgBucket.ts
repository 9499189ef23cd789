/*
 * The buckets of the backups bench, written in fake-gcs-server's filesystem
 * format: the measured cluster's wal-g prefix (100 base backups, N WAL
 * objects) in its own bucket, and the other configured clusters' small
 * prefixes in a second one (the emulator walks a whole bucket on every
 * listing, so they would otherwise pay for the big one).
 */
import {
  ProxiedRequest,
  walgLayout,
  WalgLayout,
} from '@coder-platform/testing';
import { writeFsBucket } from './fsEmulator';

export const BACKUPS = 100;
export const PREFIX = 'spilo/scale/main-postgres-db/main/wal/14';

export interface BenchBuckets {
  bucket: string;
  layout: WalgLayout;
  othersBucket: string;
  otherPrefix(cluster: string): string;
  objectsWritten: number;
  writeSeconds: number;
}

export async function writeBenchBuckets(
  root: string,
  walObjects: number,
  run: string,
  otherClusters: string[],
): Promise<BenchBuckets> {
  const bucket = `scale-${run}`;
  const othersBucket = `scale-${run}-others`;
  const otherPrefix = (cluster: string) =>
    `spilo/${cluster}/main-postgres-db/main/wal/14`;
  const layout = walgLayout({
    prefix: PREFIX,
    days: BACKUPS,
    walSegments: walObjects,
    fullEvery: 7,
    timelineSwitches: [0.5],
  });
  const started = performance.now();
  let objectsWritten = await writeFsBucket(root, bucket, layout.objects);
  const others = otherClusters.flatMap(
    c => walgLayout({ prefix: otherPrefix(c), days: 7 }).objects,
  );
  objectsWritten += await writeFsBucket(root, othersBucket, others);
  return {
    bucket,
    layout,
    othersBucket,
    otherPrefix,
    objectsWritten,
    writeSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** The WAL file that follows `file` (`<24 hex>.<ext>`) on its timeline. */
export function nextWalFile(file: string): string {
  const match = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\..+)$/.exec(file);
  if (!match) throw new Error(`not a WAL segment file name: ${file}`);
  const [, tl, log, seg, ext] = match;
  let l = parseInt(log, 16);
  let s = parseInt(seg, 16) + 1;
  if (s > 0xff) {
    s = 0;
    l += 1;
  }
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${tl}${hex(l)}${hex(s)}${ext}`;
}

/** A listing of the backup sentinels: where every refresh of a prefix starts. */
export function isSentinelListing(r: ProxiedRequest): boolean {
  const path = decodeURIComponent(r.path);
  return (
    r.method === 'GET' &&
    /\/o\?/.test(path) &&
    path.includes(`prefix=${PREFIX}/basebackups_005/`)
  );
}

/** Counts of a caller's GCS requests by kind (list / object read / other). */
export function requestKinds(requests: ProxiedRequest[]): string {
  let list = 0;
  let read = 0;
  for (const r of requests) {
    if (/\/o\?|\/o$/.test(r.path.split('#')[0])) list += 1;
    else read += 1;
  }
  return `${list} list + ${read} read`;
}
