/**
 * A realistic wal-g storage layout (format 005) as Spilo writes it to GCS:
 * daily base backups (full, then deltas on top), WAL segments between them,
 * a promotion to a new timeline (`.history` file, `.partial` last segment of
 * the old timeline), backup label files, tar partitions, and both sentinel
 * formats (v1 with `metadata.json`, v2 with the times inside).
 */

export interface WalgSeedObject {
  /** Object name including the prefix. */
  name: string;
  contents: string;
}

export interface WalgSeedBackup {
  name: string;
  kind: 'full' | 'delta';
  timeline: number;
  startTime: string;
  finishTime: string;
  deltaFrom?: string;
  deltaFullName?: string;
}

export interface WalgLayout {
  prefix: string;
  objects: WalgSeedObject[];
  backups: WalgSeedBackup[];
  /** Name (relative to `wal_005/`) of the newest complete WAL segment file. */
  newestWalFile: string;
  walFileCount: number;
  timelines: number[];
}

export interface WalgLayoutOptions {
  /** Object prefix, e.g. `spilo/dev/main-postgres-db/main/wal/14`. */
  prefix: string;
  /** "Now": the newest WAL segment is archived just before it. */
  now?: Date;
  /** Days of daily 01:00 UTC backups ending at `now`. Default 7. */
  days?: number;
  /** Number of WAL segment files in total (spread evenly over the days). Default 700. */
  walSegments?: number;
  /** Every `fullEvery`-th backup is a full backup, the others deltas. Default 3. */
  fullEvery?: number;
  /** Promote to a new timeline at these fractions of the WAL (0..1). Default [0.45]. */
  timelineSwitches?: number[];
  /** Compression extension. Default lz4. */
  compression?: string;
  /** Drop backups by name (to simulate missing backups or broken chains). */
  omitBackups?: (index: number, kind: 'full' | 'delta') => boolean;
  pgVersion?: number;
}

const SEGMENT_SIZE = 16 * 1024 * 1024;
const SYSTEM_IDENTIFIER = '7301234567890123456';

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

function segmentName(timeline: number, segNo: number): string {
  return hex8(timeline) + hex8(Math.floor(segNo / 256)) + hex8(segNo % 256);
}

/** Builds the layout in memory; `writeWalgLayout` uploads it. */
export function walgLayout(options: WalgLayoutOptions): WalgLayout {
  const prefix = options.prefix.replace(/^\/+|\/+$/g, '');
  const now = options.now ?? new Date();
  const days = options.days ?? 7;
  const total = options.walSegments ?? 700;
  const fullEvery = options.fullEvery ?? 3;
  const ext = options.compression ?? 'lz4';
  const pgVersion = options.pgVersion ?? 14;
  const switches = (options.timelineSwitches ?? [0.45]).map(f =>
    Math.max(2, Math.floor(f * total)),
  );

  // Backups at 01:00 UTC on each of the last `days` days (only those before now).
  const backupTimes: Date[] = [];
  const today = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 1),
  );
  for (let d = days - 1; d >= 0; d--) {
    const t = new Date(today.getTime() - d * 86_400_000);
    if (t.getTime() + 10 * 60_000 < now.getTime()) backupTimes.push(t);
  }
  const start = new Date(
    today.getTime() - days * 86_400_000 + 3600_000,
  ).getTime();
  const span = now.getTime() - 60_000 - start;
  const segAt = (t: Date) =>
    Math.max(
      1,
      Math.min(total, Math.round(((t.getTime() - start) / span) * total)),
    );
  const timelineOf = (segNo: number) =>
    1 + switches.filter(s => segNo >= s).length;

  const objects: WalgSeedObject[] = [];
  const wal = (name: string, contents = 'wal') =>
    objects.push({ name: `${prefix}/wal_005/${name}`, contents });

  for (let segNo = 1; segNo <= total; segNo++) {
    const tl = timelineOf(segNo);
    if (switches.includes(segNo)) {
      // Promotion: the old timeline's last segment is archived as .partial,
      // and the new timeline's history file names where it forked.
      wal(`${segmentName(tl - 1, segNo)}.partial.${ext}`);
      const history = switches
        .filter(s => s <= segNo)
        .map(
          (s, i) =>
            `${i + 1}\t${Math.floor(s / 256)
              .toString(16)
              .toUpperCase()}/${((s % 256) * SEGMENT_SIZE)
              .toString(16)
              .toUpperCase()}\tno recovery target specified`,
        )
        .join('\n');
      wal(`${hex8(tl)}.history.${ext}`, `${history}\n`);
    }
    wal(`${segmentName(tl, segNo)}.${ext}`);
  }

  const backups: WalgSeedBackup[] = [];
  let previous: WalgSeedBackup | undefined;
  let lastFull: WalgSeedBackup | undefined;
  let deltaCount = 0;
  backupTimes.forEach((time, index) => {
    const segNo = segAt(time);
    const tl = timelineOf(segNo);
    const startSeg = segmentName(tl, segNo);
    // A delta cannot cross a timeline switch: wal-g starts a new full backup.
    const kind: 'full' | 'delta' =
      index % fullEvery === 0 || !previous || previous.timeline !== tl
        ? 'full'
        : 'delta';
    const name =
      kind === 'full'
        ? `base_${startSeg}`
        : `base_${startSeg}_D_${previous!.name.slice(5, 29)}`;
    const finish = new Date(time.getTime() + 6 * 60_000);
    const backup: WalgSeedBackup = {
      name,
      kind,
      timeline: tl,
      startTime: time.toISOString(),
      finishTime: finish.toISOString(),
    };
    deltaCount = kind === 'full' ? 0 : deltaCount + 1;
    if (kind === 'delta') {
      backup.deltaFrom = previous!.name;
      backup.deltaFullName = lastFull!.name;
    }
    const skipped = options.omitBackups?.(index, kind) ?? false;
    if (kind === 'full') lastFull = backup;
    previous = backup;
    if (skipped) return;
    backups.push(backup);

    const startLsn = BigInt(segNo) * BigInt(SEGMENT_SIZE) + 0x28n;
    const finishLsn = startLsn + BigInt(SEGMENT_SIZE) + 0x1f0n;
    const size = kind === 'full' ? 52_428_800 : 4_194_304;
    // Raw JSON so LSNs and the system identifier are uint64 numbers, as wal-g writes them.
    const common = `"LSN":${startLsn},"FinishLSN":${finishLsn},"Timeline":${tl},"PgVersion":${
      pgVersion * 10000 + 9
    },"SystemIdentifier":${SYSTEM_IDENTIFIER},"UncompressedSize":${size},"CompressedSize":${Math.round(
      size / 4,
    )},"Spec":null`;
    const delta =
      kind === 'delta'
        ? `,"DeltaLSN":${
            BigInt(segAt(new Date(previous!.startTime))) * BigInt(SEGMENT_SIZE)
          },"DeltaFrom":"${backup.deltaFrom}","DeltaFullName":"${
            backup.deltaFullName
          }","DeltaCount":${deltaCount}`
        : '';
    const v2 = index === backupTimes.length - 1;
    const sentinel = v2
      ? `{${common}${delta},"Version":2,"StartTime":"${backup.startTime}","FinishTime":"${backup.finishTime}","DateFmt":"%Y-%m-%dT%H:%M:%S.%fZ","Hostname":"main-postgres-db-0","DataDir":"/home/postgres/pgdata/pgroot/data","IsPermanent":false}`
      : `{${common}${delta}}`;
    const base = `${prefix}/basebackups_005/${name}`;
    objects.push({
      name: `${base}_backup_stop_sentinel.json`,
      contents: sentinel,
    });
    objects.push({
      name: `${base}/metadata.json`,
      contents: `{"start_time":"${backup.startTime}","finish_time":"${
        backup.finishTime
      }","date_fmt":"%Y-%m-%dT%H:%M:%S.%fZ","hostname":"main-postgres-db-0","data_dir":"/home/postgres/pgdata/pgroot/data","pg_version":${
        pgVersion * 10000 + 9
      },"start_lsn":${startLsn},"finish_lsn":${finishLsn},"is_permanent":${
        index === 0
      },"system_identifier":${SYSTEM_IDENTIFIER},"timeline":${tl},"uncompressed_size":${size},"compressed_size":${Math.round(
        size / 4,
      )}}`,
    });
    objects.push({
      name: `${base}/files_metadata.json`,
      contents: '{"Files":{}}',
    });
    objects.push({
      name: `${base}/tar_partitions/part_1.tar.${ext}`,
      contents: 'tar',
    });
    objects.push({
      name: `${base}/tar_partitions/pg_control.tar.${ext}`,
      contents: 'tar',
    });
    wal(
      `${startSeg}.00000028.backup.${ext}`,
      `START WAL LOCATION: ${startSeg}\n`,
    );
  });

  const lastTl = timelineOf(total);
  return {
    prefix,
    objects,
    backups,
    newestWalFile: `${segmentName(lastTl, total)}.${ext}`,
    walFileCount: objects.filter(o => o.name.includes('/wal_005/')).length,
    timelines: [...new Set(Array.from({ length: lastTl }, (_, i) => i + 1))],
  };
}

/** The part of a GCS bucket handle the writer needs (structurally `Bucket`). */
export interface WritableBucket {
  file(name: string): {
    save(contents: string, options?: { resumable?: boolean }): Promise<unknown>;
  };
}

/** Uploads a layout with bounded concurrency. */
export async function writeWalgLayout(
  bucket: WritableBucket,
  layout: Pick<WalgLayout, 'objects'>,
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < layout.objects.length) {
      const object = layout.objects[next++];
      // Simple uploads: one request per object instead of a resumable session.
      await bucket
        .file(object.name)
        .save(object.contents, { resumable: false });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
