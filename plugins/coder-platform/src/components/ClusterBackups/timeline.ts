import type {
  PostgresBackup,
  PostgresBackupStatus,
} from '@coder-platform/plugin-coder-platform-common';

/** One base backup as a point of the timeline chart. */
export interface TimelinePoint {
  name: string;
  kind: PostgresBackup['kind'];
  /** Start time (epoch ms), the x axis; the sentinel time when the start is unknown. */
  x: number;
  /** Compressed size in bytes (uncompressed when that is all there is), the y axis. */
  size: number;
  startTime?: string;
  finishTime: string;
  compressedSize?: number;
  uncompressedSize?: number;
  permanent: boolean;
  /** A delta that cannot be restored because a backup it needs is gone. */
  broken: boolean;
  deltaFrom?: string;
}

function time(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The chart's data: every base backup of one Postgres cluster, oldest first,
 * with broken deltas (from `chains[].broken`) marked.
 */
export function toTimelinePoints(
  status: Pick<PostgresBackupStatus, 'backups' | 'chains'>,
): TimelinePoint[] {
  const broken = new Set(
    status.chains.flatMap(chain => (chain.broken ?? []).map(b => b.backup)),
  );
  const points: TimelinePoint[] = [];
  for (const backup of status.backups) {
    const x = time(backup.startTime) ?? time(backup.sentinelTime);
    if (x === undefined) continue;
    points.push({
      name: backup.name,
      kind: backup.kind,
      x,
      size: backup.compressedSize ?? backup.uncompressedSize ?? 0,
      startTime: backup.startTime,
      finishTime: backup.finishTime ?? backup.sentinelTime,
      compressedSize: backup.compressedSize,
      uncompressedSize: backup.uncompressedSize,
      permanent: backup.isPermanent,
      broken: broken.has(backup.name),
      deltaFrom: backup.deltaFrom,
    });
  }
  return points.sort((a, b) => a.x - b.x || a.name.localeCompare(b.name));
}

/** The chart's series: full and restorable delta backups, broken deltas, and permanent ones on top. */
export function timelineSeries<P extends TimelinePoint>(points: P[]) {
  return {
    full: points.filter(p => p.kind === 'full'),
    delta: points.filter(p => p.kind === 'delta' && !p.broken),
    broken: points.filter(p => p.broken),
    permanent: points.filter(p => p.permanent),
  };
}

/** Epoch ms as the UTC day `MM-DD`, for the time axis. */
export function dayTick(ms: number): string {
  return new Date(ms).toISOString().slice(5, 10);
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The time axis: from the UTC midnight before the first point to the one
 * after the last, labelled at midnights, at most `maxTicks` of them (every
 * n-th day).
 */
export function timeAxis(
  points: TimelinePoint[],
  maxTicks = 12,
): { domain: [number, number]; ticks: number[] } | undefined {
  if (points.length === 0) return undefined;
  const xs = points.map(p => p.x);
  const first = Math.floor(Math.min(...xs) / DAY_MS) * DAY_MS;
  const last = Math.max(
    first + DAY_MS,
    Math.ceil(Math.max(...xs) / DAY_MS) * DAY_MS,
  );
  const days = Math.round((last - first) / DAY_MS);
  const step = Math.ceil((days + 1) / maxTicks);
  const ticks: number[] = [];
  for (let t = first; t <= last; t += step * DAY_MS) ticks.push(t);
  return { domain: [first, last], ticks };
}
