import type { PostgresBackup } from '@coder-platform/plugin-coder-platform-common';
import {
  formatLsn,
  formatWalSegment,
  lsnToSegment,
  parseBackupName,
} from './walNames';

/** A sentinel or `metadata.json` that is not what wal-g writes. */
export class WalgFormatError extends Error {
  readonly name = 'WalgFormatError';
}

/** The parsed JSON as an object, or a {@link WalgFormatError}. */
export function asObject(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new WalgFormatError('not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** wal-g writes LSNs and the system identifier as uint64 numbers: keep them exact. */
export function parseWalgJson(text: string): Record<string, unknown> {
  return JSON.parse(
    text.replace(
      /"(LSN|FinishLSN|DeltaLSN|SystemIdentifier|start_lsn|finish_lsn|system_identifier)"\s*:\s*(\d+)/g,
      '"$1":"$2"',
    ),
  );
}

export interface SentinelDto {
  LSN?: string;
  FinishLSN?: string;
  Timeline?: number;
  DeltaFrom?: string;
  DeltaFullName?: string;
  DeltaCount?: number;
  PgVersion?: number;
  SystemIdentifier?: string;
  UncompressedSize?: number;
  CompressedSize?: number;
  StartTime?: string;
  FinishTime?: string;
  Hostname?: string;
  IsPermanent?: boolean;
}

export interface MetadataDto {
  start_time?: string;
  finish_time?: string;
  hostname?: string;
  pg_version?: number;
  start_lsn?: string;
  finish_lsn?: string;
  is_permanent?: boolean;
  system_identifier?: string;
  uncompressed_size?: number;
  compressed_size?: number;
  timeline?: number;
}

/** An LSN as wal-g writes it (a uint64), or a clear error naming the field. */
function lsnNumber(field: string, value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) {
    return BigInt(value);
  }
  throw new WalgFormatError(
    `${field} ${JSON.stringify(value)} is not a number`,
  );
}

function lsn(field: string, value: unknown): string | undefined {
  const number = lsnNumber(field, value);
  return number === undefined ? undefined : formatLsn(number);
}

function time(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return value;
  }
  throw new WalgFormatError(`${field} ${JSON.stringify(value)} is not a time`);
}

/**
 * A base backup from its stop sentinel (and `metadata.json` when the sentinel
 * is v1). Throws an error naming the field when a value is malformed.
 */
export function toBackup(
  sentinel: { name: string; updated: string; generation?: string },
  dto: SentinelDto,
  meta: MetadataDto | undefined,
): PostgresBackup {
  const parsedName = parseBackupName(sentinel.name);
  const timeline =
    dto.Timeline ?? meta?.timeline ?? parsedName?.start.timeline ?? 1;
  const startField = dto.LSN !== undefined ? 'LSN' : 'start_lsn';
  const startLsn = lsnNumber(startField, dto.LSN ?? meta?.start_lsn);
  if (typeof timeline !== 'number' || !Number.isInteger(timeline)) {
    throw new WalgFormatError(
      `Timeline ${JSON.stringify(timeline)} is not a number`,
    );
  }
  let startSegment = '';
  if (parsedName) startSegment = formatWalSegment(parsedName.start);
  else if (startLsn !== undefined) {
    startSegment = formatWalSegment(lsnToSegment(startLsn, timeline));
  }
  const isDelta = Boolean(dto.DeltaFrom);
  const backup: PostgresBackup = {
    name: sentinel.name,
    kind: isDelta ? 'delta' : 'full',
    timeline,
    startSegment,
    startLsn: startLsn === undefined ? undefined : formatLsn(startLsn),
    finishLsn: lsn(
      dto.FinishLSN !== undefined ? 'FinishLSN' : 'finish_lsn',
      dto.FinishLSN ?? meta?.finish_lsn,
    ),
    startTime: time(
      dto.StartTime !== undefined ? 'StartTime' : 'start_time',
      dto.StartTime ?? meta?.start_time,
    ),
    finishTime: time(
      dto.FinishTime !== undefined ? 'FinishTime' : 'finish_time',
      dto.FinishTime ?? meta?.finish_time,
    ),
    sentinelTime: sentinel.updated,
    sentinelGeneration: sentinel.generation,
    uncompressedSize: dto.UncompressedSize ?? meta?.uncompressed_size,
    compressedSize: dto.CompressedSize ?? meta?.compressed_size,
    pgVersion: dto.PgVersion ?? meta?.pg_version,
    systemIdentifier: dto.SystemIdentifier ?? meta?.system_identifier,
    hostname: dto.Hostname ?? meta?.hostname,
    isPermanent: Boolean(dto.IsPermanent ?? meta?.is_permanent),
  };
  if (isDelta) {
    backup.deltaFrom = dto.DeltaFrom;
    backup.deltaFullName = dto.DeltaFullName;
    backup.deltaCount = dto.DeltaCount;
  }
  for (const key of Object.keys(backup) as (keyof PostgresBackup)[]) {
    if (backup[key] === undefined) delete backup[key];
  }
  return backup;
}
