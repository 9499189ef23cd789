import type { PostgresBackup } from '@coder-platform/plugin-coder-platform-common';
import { CronExpressionParser } from 'cron-parser';

/** Most scheduled runs looked at (newest first): a daily schedule covers 27 years. */
export const MAX_SCHEDULED_RUNS = 10_000;

/** When a backup started: `startTime`, else the finish or sentinel time (an upper bound). */
export function backupStartedAt(backup: PostgresBackup): number {
  const time = Date.parse(
    backup.startTime ?? backup.finishTime ?? backup.sentinelTime,
  );
  return Number.isNaN(time) ? NaN : time;
}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * UTC days (`YYYY-MM-DD`, oldest first) within the retained history on which
 * the cron schedule (UTC, as Spilo runs it) had a run but no base backup
 * started within `graceSeconds` of it.
 *
 * The retained history runs from the oldest non-permanent backup (permanent
 * ones outlive retention and would stretch it back arbitrarily; when every
 * backup is permanent, the oldest backup) to `now`. A run counts once its
 * grace window has ended, and only when that window reaches into the history
 * (the run the oldest backup answers is in, the runs before it are not). At
 * most {@link MAX_SCHEDULED_RUNS} runs, the newest, are looked at.
 */
export function missedScheduledDays(input: {
  schedule: string;
  backups: PostgresBackup[];
  now: Date;
  graceSeconds: number;
}): string[] {
  const graceMs = input.graceSeconds * 1000;
  const starts = input.backups
    .map(b => ({ start: backupStartedAt(b), permanent: b.isPermanent }))
    .filter(b => !Number.isNaN(b.start));
  if (starts.length === 0) return [];
  const retained = starts.some(b => !b.permanent)
    ? starts.filter(b => !b.permanent)
    : starts;
  const historyStart = Math.min(...retained.map(b => b.start));
  const sorted = starts.map(b => b.start).sort((a, b) => a - b);
  const now = input.now.getTime();

  // Walk back from the newest run whose grace window has ended.
  const runs = CronExpressionParser.parse(input.schedule, {
    currentDate: new Date(now - graceMs + 1),
    tz: 'UTC',
  });
  const missed = new Set<string>();
  for (let i = 0; i < MAX_SCHEDULED_RUNS; i++) {
    const run = runs.prev().getTime();
    if (run + graceMs < historyStart) break;
    if (!anyWithin(sorted, run, run + graceMs)) missed.add(utcDay(run));
  }
  return [...missed].sort();
}

/** True when a sorted list holds a value in [from, to]. */
function anyWithin(sorted: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] <= to;
}
