/**
 * PostgreSQL WAL file and wal-g backup name arithmetic.
 *
 * A WAL segment file is named `TTTTTTTTXXXXXXXXYYYYYYYY` (24 hex digits):
 * timeline, then the "log id" (high 32 bits of the LSN) and the segment within
 * that log id. Names sort in the same order as (timeline, position), which is
 * what lets us find the newest segment in GCS with ordered range probes.
 */

/** The default WAL segment size (16 MiB), as in Spilo images. */
export const DEFAULT_WAL_SEGMENT_SIZE = 16 * 1024 * 1024;

const TWO_32 = 0x1_0000_0000;

/** A parsed WAL segment file name. */
export interface WalSegment {
  timeline: number;
  /** High 32 bits of the LSN (the `XXXXXXXX` part). */
  logId: number;
  /** Segment within the log id (the `YYYYYYYY` part). */
  segment: number;
}

/** What an object name under `wal_005/` is. */
export type WalFileKind =
  | 'segment'
  | 'partial'
  | 'history'
  | 'backup-label'
  | 'other';

/** A parsed object name under `wal_005/`. */
export interface WalFileName {
  kind: WalFileKind;
  timeline: number;
  /** Present for segment, partial and backup-label files. */
  segment?: WalSegment;
}

const HEX8 = '([0-9A-F]{8})';
const SEGMENT_RE = new RegExp(`^${HEX8}${HEX8}${HEX8}`);
const HISTORY_RE = new RegExp(`^${HEX8}\\.history(\\.|$)`);

function hex8(value: number): string {
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** Formats a segment as its 24-hex-digit file name. */
export function formatWalSegment(segment: WalSegment): string {
  return hex8(segment.timeline) + hex8(segment.logId) + hex8(segment.segment);
}

/** Parses a 24-hex-digit segment name (extensions after it are ignored). */
export function parseWalSegment(name: string): WalSegment | undefined {
  const match = SEGMENT_RE.exec(name);
  if (!match) return undefined;
  return {
    timeline: parseInt(match[1], 16),
    logId: parseInt(match[2], 16),
    segment: parseInt(match[3], 16),
  };
}

/**
 * Classifies an object name relative to `wal_005/`, e.g.
 * `000000010000000000000003.lz4` (segment), `000000010000000000000003.partial.br`,
 * `00000002.history.lz4`, `000000010000000000000003.00000028.backup.br`.
 */
export function parseWalFileName(name: string): WalFileName | undefined {
  const history = HISTORY_RE.exec(name);
  if (history) return { kind: 'history', timeline: parseInt(history[1], 16) };
  const segment = parseWalSegment(name);
  if (!segment) return undefined;
  const rest = name.slice(24);
  let kind: WalFileKind = 'other';
  if (/^\.partial(\.|$)/.test(rest)) kind = 'partial';
  else if (rest === '' || /^\.[a-z0-9]+$/.test(rest)) kind = 'segment';
  else if (/^\.[0-9A-F]{8}\.backup(\.|$)/.test(rest)) kind = 'backup-label';
  return { kind, timeline: segment.timeline, segment };
}

/**
 * A position on a timeline that orders exactly like the file names:
 * `logId * 2^32 + segment`. (Real segments only use the low bits of
 * `segment`, so this is not "segments since zero"; see `segmentsBetween`.)
 */
export function walPosition(segment: WalSegment): bigint {
  return BigInt(segment.logId) * BigInt(TWO_32) + BigInt(segment.segment);
}

/** The segment on `timeline` at a `walPosition`. */
export function segmentAtPosition(
  timeline: number,
  position: bigint,
): WalSegment {
  return {
    timeline,
    logId: Number(position / BigInt(TWO_32)),
    segment: Number(position % BigInt(TWO_32)),
  };
}

/**
 * The segment number since the start of WAL (`logId * segmentsPerLogId + segment`),
 * dense for a given segment size: consecutive segments differ by one.
 */
export function segmentNumber(
  segment: WalSegment,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  return segment.logId * segmentsPerLogId(segmentSize) + segment.segment;
}

/** The segment with a `segmentNumber` on a timeline. */
export function segmentFromNumber(
  timeline: number,
  segNo: number,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): WalSegment {
  const perId = segmentsPerLogId(segmentSize);
  return { timeline, logId: Math.floor(segNo / perId), segment: segNo % perId };
}

/** Segments per log id for a segment size (256 for 16 MiB). */
export function segmentsPerLogId(
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  return Math.floor(TWO_32 / segmentSize);
}

/** The segment holding an LSN on a timeline. */
export function lsnToSegment(
  lsn: bigint | number,
  timeline: number,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): WalSegment {
  const segNo = BigInt(lsn) / BigInt(segmentSize);
  const perId = BigInt(segmentsPerLogId(segmentSize));
  return {
    timeline,
    logId: Number(segNo / perId),
    segment: Number(segNo % perId),
  };
}

/** Formats an LSN as PostgreSQL prints it: `16/B374D848`. */
export function formatLsn(lsn: bigint | number): string {
  const value = BigInt(lsn);
  const hi = value >> 32n;
  const lo = value & 0xffffffffn;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

/** Parses `16/B374D848` or a plain number into an LSN. */
export function parseLsn(value: string | number | bigint): bigint {
  if (typeof value !== 'string') return BigInt(value);
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(value);
  if (!match)
    throw new Error(`"${value}" is not an LSN (expected e.g. 0/3000028)`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/**
 * Number of whole segments from `from` to `to` on the same timeline
 * (negative when `to` is older), for a given segment size.
 */
export function segmentsBetween(
  from: WalSegment,
  to: WalSegment,
  segmentSize = DEFAULT_WAL_SEGMENT_SIZE,
): number {
  const perId = segmentsPerLogId(segmentSize);
  return (to.logId - from.logId) * perId + (to.segment - from.segment);
}

/** A parsed wal-g base backup name: `base_<segment>` or `base_<segment>_D_<parent segment>`. */
export interface BackupName {
  name: string;
  /** The WAL segment the backup started in. */
  start: WalSegment;
  /** For delta backups: the segment name of the backup it increments (from the name). */
  deltaFromSegment?: string;
}

const BACKUP_NAME_RE = /^base_([0-9A-F]{24})(?:_D_([0-9A-F]{24}))?$/;

/** Parses a wal-g backup name; undefined when it is not one. */
export function parseBackupName(name: string): BackupName | undefined {
  const match = BACKUP_NAME_RE.exec(name);
  if (!match) return undefined;
  return {
    name,
    start: parseWalSegment(match[1])!,
    deltaFromSegment: match[2],
  };
}
