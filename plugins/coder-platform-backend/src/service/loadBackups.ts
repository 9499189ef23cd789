import type {
  PostgresBackupsResponse,
  PostgresBackupStatus,
  WorkspaceBackupsResponse,
} from '@coder-platform/plugin-coder-platform-common';
import {
  deltaChains,
  redact,
  RequestGate,
} from '@coder-platform/plugin-coder-platform-node';
import {
  evaluatePostgresBackups,
  HealthThresholds,
  worst,
} from '../backups/postgresHealth';
import { ClusterUpstreams } from './ClusterUpstreams';

type View<T> = Omit<T, 'fetchedAt' | 'stale' | 'error'>;

/**
 * Reads and evaluates every wal-g prefix of a cluster, one GCS call (one
 * budget) per prefix. `previous` is the last view: its backups are not read
 * again (sentinels never change once written) and its newest WAL segment is
 * where the WAL search starts.
 */
export async function loadPostgresBackups(
  u: ClusterUpstreams,
  name: string,
  previous: View<PostgresBackupsResponse> | undefined,
  { now, thresholds }: { now: Date; thresholds: HealthThresholds },
): Promise<View<PostgresBackupsResponse>> {
  const config = u.cluster.backups!;
  const walg = u.walg();
  const items: PostgresBackupStatus[] = [];
  for (const pg of config.postgres) {
    const before = previous?.items.find(
      i => i.name === pg.name && i.location.endsWith(pg.prefix),
    );
    // Sentinels and metadata.json never change once written: the
    // previous view's backups (and unreadable ones) are not read again,
    // so a steady refresh costs one listing plus the new objects.
    const {
      backups: list,
      unreadable,
      wal,
    } = await u.limiters.gcs.call('gcs', async call => {
      const read = await walg.readBackups(pg.prefix, {
        ...call,
        known: before?.backups,
        unreadable: before?.unreadable,
      });
      const latest = read.backups[read.backups.length - 1];
      // Start the WAL search at the newer of the latest backup and the last newest segment seen.
      const from = [latest?.startSegment, before?.wal.newestSegment]
        .filter((s): s is string => Boolean(s))
        .sort()
        .pop();
      const found = await walg.findNewestWal(pg.prefix, {
        ...call,
        fromSegment: from,
        now: now,
      });
      return { ...read, wal: found };
    });
    items.push(
      evaluatePostgresBackups({
        name: pg.name,
        location: `gs://${config.bucket}/${pg.prefix.replace(
          /^\/+|\/+$/g,
          '',
        )}`,
        schedule: pg.schedule,
        retain: pg.retain,
        backups: list,
        chains: deltaChains(list),
        wal,
        now: now,
        thresholds: thresholds,
        unreadable: unreadable.map(b => ({
          ...b,
          reason: redact(b.reason, u.cluster.secrets),
        })),
      }),
    );
  }
  return {
    cluster: name,
    items,
    health: worst(items.map(i => i.health)),
  };
}

/** Latest restic snapshot of every workspace repository of a cluster. */
export async function loadWorkspaceBackups(
  u: ClusterUpstreams,
  name: string,
  now: Date,
): Promise<View<WorkspaceBackupsResponse>> {
  const restic = await u.restic();
  const items = await u.limiters.restic.call('restic', call => {
    // The repository listing is a GCS request: it takes a GCS slot.
    const gcs = u.limiters.gcs.gateFor('gcs', call.signal);
    const gate: RequestGate = (operation, request) =>
      operation.startsWith('gcs')
        ? gcs(operation, request)
        : call.gate(operation, request);
    return restic.list(now, { signal: call.signal, gate });
  });
  return {
    cluster: name,
    location: `gs://${
      u.cluster.backups!.bucket
    }/${u.cluster.backups!.restic!.prefix.replace(
      /^\/+|\/+$/g,
      '',
    )}/<workspace>`,
    items: items.map(i =>
      i.error ? { ...i, error: redact(i.error, u.cluster.secrets) } : i,
    ),
  };
}
