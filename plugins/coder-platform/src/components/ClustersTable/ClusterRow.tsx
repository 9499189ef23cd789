import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { ClusterSummary } from '@coder-platform/plugin-coder-platform-common';
import CircularProgress from '@material-ui/core/CircularProgress';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { classifyError, formatTime } from '../DataStates';
import { WorkspaceCounts } from '../ClusterOverview';
import { formatAge, HealthBadge, wholeCell, wordsCell } from '../shared';

/** A compact failure for a table cell: the state's kind, the backend's message on hover. */
function CellError({ error }: { error: Error }) {
  const state = classifyError(error);
  const label = {
    'not-configured': 'not configured',
    'permission-denied': 'permission required',
    'upstream-error': 'unavailable',
    error: 'error',
  }[state.kind];
  const detail =
    state.kind === 'permission-denied' && state.permission
      ? `You need the permission ${state.permission}`
      : state.message;
  return (
    <Tooltip title={detail}>
      <Typography variant="body2" color="textSecondary" component="span">
        {label}: {detail}
      </Typography>
    </Tooltip>
  );
}

function StaleMark(props: {
  value?: { stale: boolean; fetchedAt: string; error?: { message: string } };
}) {
  if (!props.value?.stale) return null;
  return (
    <Typography variant="caption" color="textSecondary" display="block">
      stale, from {formatTime(props.value.fetchedAt)}
      {props.value.error ? `: ${props.value.error.message}` : ''}
    </Typography>
  );
}

/**
 * One cluster on the Coder Platform page: one request to its Coder view and
 * one to its Postgres backups view, each only when configured.
 */
export function ClusterRow(props: {
  cluster: ClusterSummary;
  link?: (cluster: string) => string;
}) {
  const { cluster, link } = props;
  const api = useApi(coderPlatformApiRef);
  const coder = useAsync(
    async () =>
      cluster.upstreams.coder ? api.getCoderOverview(cluster.name) : undefined,
    [api, cluster.name, cluster.upstreams.coder],
  );
  const backups = useAsync(
    async () =>
      cluster.upstreams.postgresBackups
        ? api.getPostgresBackups(cluster.name)
        : undefined,
    [api, cluster.name, cluster.upstreams.postgresBackups],
  );
  const overview = coder.value;
  const postgres = backups.value;
  const latest = postgres?.items
    .filter(item => item.latestAgeSeconds !== undefined)
    .sort((a, b) => a.latestAgeSeconds! - b.latestAgeSeconds!)[0];

  return (
    <TableRow>
      <TableCell>
        {link ? (
          <Link to={link(cluster.name)}>{cluster.title}</Link>
        ) : (
          cluster.title
        )}
        <Typography variant="caption" color="textSecondary" display="block">
          {cluster.name}
        </Typography>
      </TableCell>
      <TableCell style={wordsCell}>
        {coder.loading && <CircularProgress size={16} aria-label="Loading" />}
        {coder.error && <CellError error={coder.error} />}
        {!cluster.upstreams.coder && 'no Coder configured'}
        {overview &&
          (overview.health ? (
            <HealthBadge
              level={overview.health.severity}
              label={
                overview.health.healthy ? 'healthy' : overview.health.severity
              }
            />
          ) : (
            <HealthBadge level="unknown" label="unknown" />
          ))}
      </TableCell>
      <TableCell>
        <span style={wholeCell}>{overview?.buildInfo.version}</span>
        <StaleMark value={overview} />
      </TableCell>
      <TableCell>
        {overview && <WorkspaceCounts stats={overview.stats} />}
      </TableCell>
      <TableCell>
        {backups.loading && <CircularProgress size={16} aria-label="Loading" />}
        {backups.error && <CellError error={backups.error} />}
        {!cluster.upstreams.postgresBackups && 'no backups configured'}
        {postgres && (
          <>
            <HealthBadge
              level={postgres.health}
              label={
                latest
                  ? `${formatAge(latest.latestAgeSeconds!)} ago`
                  : 'no backup yet'
              }
            />
            {latest?.latest && (
              <Typography
                variant="caption"
                color="textSecondary"
                display="block"
              >
                {latest.latest.name}
              </Typography>
            )}
            <StaleMark value={postgres} />
          </>
        )}
      </TableCell>
    </TableRow>
  );
}
