import type {
  BackupHealth,
  PostgresBackup,
  PostgresBackupStatus,
  PostgresDeltaChain,
  WalArchiveStatus,
} from '@coder-platform/plugin-coder-platform-common';
import { CronExpressionParser } from 'cron-parser';
import { missedScheduledDays } from './missedScheduledDays';

export interface HealthThresholds {
  /** A scheduled backup is expected to have finished this long after its start time. Default 2 h. */
  backupGraceSeconds: number;
  /** WAL archiving lag that is a warning / critical. Defaults 1 h / 6 h. */
  walLagWarningSeconds: number;
  walLagCriticalSeconds: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  backupGraceSeconds: 2 * 3600,
  walLagWarningSeconds: 3600,
  walLagCriticalSeconds: 6 * 3600,
};

/** The schedule times around `now`: the run that should be done, the one before it, and the next. */
export function scheduleWindow(
  schedule: string,
  now: Date,
  graceSeconds: number,
) {
  // Spilo runs BACKUP_SCHEDULE with cron in UTC.
  const due = CronExpressionParser.parse(schedule, {
    currentDate: new Date(now.getTime() - graceSeconds * 1000),
    tz: 'UTC',
  });
  const expected = due.prev().toDate();
  const previous = due.prev().toDate();
  const next = CronExpressionParser.parse(schedule, {
    currentDate: now,
    tz: 'UTC',
  })
    .next()
    .toDate();
  return { expected, previous, next };
}

const RANK: Record<BackupHealth, number> = { ok: 0, warning: 1, critical: 2 };

export function worst(healths: BackupHealth[]): BackupHealth {
  return healths.reduce<BackupHealth>(
    (a, b) => (RANK[b] > RANK[a] ? b : a),
    'ok',
  );
}

function finishedAt(backup: PostgresBackup): Date {
  return new Date(backup.finishTime ?? backup.sentinelTime);
}

function hours(seconds: number): string {
  return seconds >= 7200
    ? `${Math.round(seconds / 3600)} h`
    : `${Math.round(seconds / 60)} min`;
}

/**
 * Turns what was read from storage into ok / warning / critical, with reasons:
 * latest backup age against the cron schedule, broken delta chains, count vs
 * retain, and WAL archiving lag.
 */
export function evaluatePostgresBackups(input: {
  name: string;
  location: string;
  schedule: string;
  retain?: number;
  backups: PostgresBackup[];
  chains: PostgresDeltaChain[];
  wal: WalArchiveStatus;
  now: Date;
  thresholds?: Partial<HealthThresholds>;
  /** Backups whose sentinel or metadata could not be read: left out of `backups`. */
  unreadable?: Array<{ name: string; reason: string }>;
}): PostgresBackupStatus {
  const t = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const { expected, previous, next } = scheduleWindow(
    input.schedule,
    input.now,
    t.backupGraceSeconds,
  );
  const findings: { health: BackupHealth; reason: string }[] = [];
  const latest = [...input.backups]
    .sort((a, b) => finishedAt(a).getTime() - finishedAt(b).getTime())
    .pop();
  let latestAgeSeconds: number | undefined;

  if (!latest) {
    findings.push({ health: 'critical', reason: 'No base backup found' });
  } else {
    const finished = finishedAt(latest);
    latestAgeSeconds = Math.max(
      0,
      Math.round((input.now.getTime() - finished.getTime()) / 1000),
    );
    if (finished >= expected) {
      // covered
    } else if (finished >= previous) {
      findings.push({
        health: 'warning',
        reason: `The backup scheduled at ${expected.toISOString()} is missing; the latest finished ${hours(
          latestAgeSeconds,
        )} ago`,
      });
    } else {
      findings.push({
        health: 'critical',
        reason: `The latest backup finished ${hours(
          latestAgeSeconds,
        )} ago; the backups scheduled at ${previous.toISOString()} and ${expected.toISOString()} are missing`,
      });
    }
  }

  for (const chain of input.chains) {
    for (const broken of chain.broken ?? []) {
      findings.push({
        health: 'critical',
        reason: `Delta backup ${broken.backup} cannot be restored: ${broken.missingParent} is missing`,
      });
    }
  }

  if (input.retain !== undefined) {
    const kept = input.backups.filter(b => !b.isPermanent).length;
    // wal-g keeps deltas of retained full backups, so allow one full chain extra.
    const longestChain = Math.max(
      1,
      ...input.chains.map(c => c.deltas.length + 1),
    );
    if (kept > input.retain + longestChain) {
      findings.push({
        health: 'warning',
        reason: `${kept} backups kept while retain is ${input.retain}: is retention running?`,
      });
    }
  }

  if (!input.wal.newestFile) {
    findings.push({
      health: latest ? 'warning' : 'critical',
      reason: 'No archived WAL segment found',
    });
  } else if (input.wal.lagSeconds !== undefined) {
    if (input.wal.lagSeconds >= t.walLagCriticalSeconds) {
      findings.push({
        health: 'critical',
        reason: `No WAL archived for ${hours(input.wal.lagSeconds)}`,
      });
    } else if (input.wal.lagSeconds >= t.walLagWarningSeconds) {
      findings.push({
        health: 'warning',
        reason: `No WAL archived for ${hours(input.wal.lagSeconds)}`,
      });
    }
  }

  if (input.unreadable?.length) {
    findings.push({
      health: 'warning',
      reason: `${input.unreadable.length} backup${
        input.unreadable.length === 1 ? '' : 's'
      } could not be read (${input.unreadable
        .map(u => u.name)
        .join(', ')}): left out of ages and chains`,
    });
  }

  findings.sort((a, b) => RANK[b.health] - RANK[a.health]);
  return {
    name: input.name,
    location: input.location,
    schedule: input.schedule,
    retain: input.retain,
    backups: input.backups,
    chains: input.chains,
    count: input.backups.length,
    latest,
    latestAgeSeconds,
    expectedAfter: expected.toISOString(),
    nextScheduled: next.toISOString(),
    wal: input.wal,
    health: worst(findings.map(f => f.health)),
    reasons: findings.map(f => f.reason),
    missedScheduledDays: missedScheduledDays({
      schedule: input.schedule,
      backups: input.backups,
      now: input.now,
      graceSeconds: t.backupGraceSeconds,
    }),
    ...(input.unreadable?.length ? { unreadable: input.unreadable } : {}),
    evaluatedAt: input.now.toISOString(),
  };
}
