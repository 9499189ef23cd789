import { InfoCard } from '@backstage/core-components';
import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { BackupTimelineChart } from './BackupTimelineChart';
import { Fact } from './Fact';
import { formatAge } from '../shared';
import { formatUtc } from './format';
import { HealthChip } from './HealthChip';
import { PostgresBackupList } from './PostgresBackupList';
import {
  BrokenChains,
  HealthReasons,
  UnreadableBackups,
} from './PostgresFindings';

function finishedAt(status: PostgresBackupStatus): string | undefined {
  return status.latest?.finishTime ?? status.latest?.sentinelTime;
}

/** Does the latest backup cover the scheduled run it should? */
export function coversDueRun(
  status: PostgresBackupStatus,
): boolean | undefined {
  const finished = finishedAt(status);
  if (!finished || !status.expectedAfter) return undefined;
  return Date.parse(finished) >= Date.parse(status.expectedAfter);
}

function LatestFact(props: { status: PostgresBackupStatus }) {
  const { status } = props;
  const covers = coversDueRun(status);
  return (
    <Fact
      id={`${status.name}-latest`}
      label="Latest base backup"
      value={
        status.latestAgeSeconds !== undefined
          ? `${formatAge(status.latestAgeSeconds)} ago`
          : 'None'
      }
      detail={
        status.latest && (
          <>
            {status.latest.name}, finished {formatUtc(finishedAt(status))}
            {covers !== undefined &&
              (covers
                ? `; covers the run due ${formatUtc(status.expectedAfter)}`
                : `; the run due ${formatUtc(
                    status.expectedAfter,
                  )} is missing`)}
          </>
        )
      }
    />
  );
}

function WalFact(props: { status: PostgresBackupStatus }) {
  const { wal, name } = props.status;
  let value = 'No WAL archived';
  if (wal.newestFile) {
    value =
      wal.lagSeconds !== undefined
        ? `${formatAge(wal.lagSeconds)} behind`
        : 'Archived';
  }
  return (
    <Fact
      id={`${name}-wal`}
      label="WAL archiving lag"
      value={value}
      detail={
        wal.newestFile &&
        `Newest ${wal.newestFile}, uploaded ${formatUtc(
          wal.newestUploadedAt,
        )}, timeline ${wal.highestTimeline ?? wal.timeline ?? '–'}`
      }
    />
  );
}

/** One Zalando Postgres cluster's wal-g backups: health, facts, findings, timeline, list. */
export function PostgresClusterCard(props: { status: PostgresBackupStatus }) {
  const { status } = props;
  const permanent = status.backups.filter(b => b.isPermanent).length;
  const missed = status.missedScheduledDays;
  return (
    <InfoCard
      title={status.name}
      subheader={status.location}
      action={<HealthChip health={status.health} />}
    >
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        <HealthReasons status={status} />
        <Grid container spacing={2}>
          <LatestFact status={status} />
          <Fact
            id={`${status.name}-schedule`}
            label="Schedule (UTC)"
            value={<code>{status.schedule}</code>}
            detail={`Next run ${formatUtc(status.nextScheduled)}`}
          />
          <Fact
            id={`${status.name}-count`}
            label="Base backups"
            value={status.count}
            detail={[
              status.retain !== undefined ? `retain ${status.retain}` : '',
              permanent ? `${permanent} permanent` : '',
            ]
              .filter(Boolean)
              .join(', ')}
          />
          <WalFact status={status} />
          <Fact
            id={`${status.name}-missed`}
            label="Days without a scheduled backup"
            value={missed.length}
            detail={
              missed.length ? missed.join(', ') : 'None in the retained history'
            }
          />
        </Grid>
        <BrokenChains status={status} />
        <UnreadableBackups status={status} />
        <BackupTimelineChart status={status} />
        <PostgresBackupList status={status} />
      </Box>
    </InfoCard>
  );
}
