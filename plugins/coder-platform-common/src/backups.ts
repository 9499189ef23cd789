/** Freshness of data served from cache when an upstream fails. */
export interface Freshness {
  /** When the data was read from the upstream (ISO 8601). */
  fetchedAt: string;
  /** True when the upstream failed and this is the last good data. */
  stale: boolean;
  /** Why the data is stale: the upstream and its error, never a credential. */
  error?: { upstream: string; message: string };
}

/** One wal-g base backup, from its stop sentinel and `metadata.json`. */
export interface PostgresBackup {
  /** wal-g backup name, e.g. `base_000000010000000000000003` or `base_…_D_…` for a delta. */
  name: string;
  kind: 'full' | 'delta';
  timeline: number;
  /** WAL segment the backup started in (24 hex digits). */
  startSegment: string;
  /** Start and finish LSN as PostgreSQL prints them, e.g. `0/3000028`. */
  startLsn?: string;
  finishLsn?: string;
  /** From `metadata.json` (or a v2 sentinel). */
  startTime?: string;
  finishTime?: string;
  /** When the sentinel was written: wal-g's `time` in `backup-list`. */
  sentinelTime: string;
  /** GCS generation of the sentinel: with the name, identifies what was read. */
  sentinelGeneration?: string;
  uncompressedSize?: number;
  compressedSize?: number;
  pgVersion?: number;
  /** PostgreSQL system identifier, as a string (it does not fit a JS number). */
  systemIdentifier?: string;
  hostname?: string;
  /** Permanent backups are never deleted by retention. */
  isPermanent: boolean;
  /** Delta backups only: the backup this one increments, the full backup at the root, and the depth. */
  deltaFrom?: string;
  deltaFullName?: string;
  deltaCount?: number;
}

/** A full backup and the deltas that depend on it, oldest first. */
export interface PostgresDeltaChain {
  full: string;
  deltas: string[];
  /** Set when a delta's parent is missing from storage: that delta cannot be restored. */
  broken?: { backup: string; missingParent: string }[];
}

/** The newest archived WAL file. */
export interface WalArchiveStatus {
  /** Object name under `wal_005/`, e.g. `000000020000000000000012.lz4`. */
  newestFile?: string;
  newestSegment?: string;
  timeline?: number;
  /** Upload time of the newest WAL file. */
  newestUploadedAt?: string;
  /** Seconds between the newest upload and the evaluation time. */
  lagSeconds?: number;
  /** Highest timeline seen (a `.history` file or segments). */
  highestTimeline?: number;
  /** GCS list requests used to find it (bounded, never one per WAL object). */
  listRequests: number;
}

export type BackupHealth = 'ok' | 'warning' | 'critical';

/** Status of one wal-g storage prefix (one Zalando Postgres cluster). */
export interface PostgresBackupStatus {
  /** `backups.postgres[].name` from config. */
  name: string;
  /** `gs://bucket/prefix`, shown so operators can find the objects. */
  location: string;
  schedule: string;
  retain?: number;
  backups: PostgresBackup[];
  chains: PostgresDeltaChain[];
  count: number;
  latest?: PostgresBackup;
  /** Seconds since the latest backup finished. */
  latestAgeSeconds?: number;
  /** The scheduled run the latest backup should cover, and the one after it. */
  expectedAfter?: string;
  nextScheduled?: string;
  wal: WalArchiveStatus;
  health: BackupHealth;
  /** Human-readable reasons behind `health`, worst first. */
  reasons: string[];
  /**
   * UTC days (`YYYY-MM-DD`) within the retained history on which the schedule
   * had a run but no base backup started; oldest first.
   */
  missedScheduledDays: string[];
  /**
   * Backups whose sentinel or `metadata.json` could not be read or parsed:
   * shown, but left out of ages and chains.
   */
  unreadable?: Array<{
    name: string;
    reason: string;
    /** GCS generation of the sentinel read (it is not read again until it changes). */
    generation?: string;
  }>;
  evaluatedAt: string;
}

/** Response of `GET /clusters/:name/backups/postgres`. */
export interface PostgresBackupsResponse extends Freshness {
  cluster: string;
  items: PostgresBackupStatus[];
  health: BackupHealth;
}

/** Latest restic snapshot of one workspace repository. */
export interface WorkspaceBackup {
  /** Repository name under the prefix, e.g. `coder-alice-dev`. */
  repository: string;
  snapshotCount: number;
  latestSnapshot?: {
    id: string;
    time: string;
    hostname?: string;
    paths: string[];
    /** Bytes of the files in the snapshot (restic `stats latest --mode restore-size`). */
    restoreSize?: number;
    fileCount?: number;
  };
  ageSeconds?: number;
  /** Set when this repository could not be read (e.g. wrong password). */
  error?: string;
}

/** Response of `GET /clusters/:name/backups/workspaces`. */
export interface WorkspaceBackupsResponse extends Freshness {
  cluster: string;
  /** The restic repository location pattern, without credentials. */
  location: string;
  items: WorkspaceBackup[];
}
