import { useApi } from '@backstage/frontend-plugin-api';
import { coderPlatformBackupsReadPermission } from '@coder-platform/plugin-coder-platform-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import { HealthChip } from './HealthChip';
import { PostgresClusterCard } from './PostgresClusterCard';
import { WorkspaceBackupsTable } from './WorkspaceBackupsTable';

const PERMISSION = coderPlatformBackupsReadPermission.name;

function PostgresBackupsSection(props: { cluster: string }) {
  const api = useApi(coderPlatformApiRef);
  const state = useAsync(
    () => api.getPostgresBackups(props.cluster),
    [api, props.cluster],
  );
  return (
    <DataStateView
      state={state}
      what="Postgres backups"
      permission={PERMISSION}
    >
      {response => (
        <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="h5" component="h2">
              Postgres backups
            </Typography>
            <HealthChip health={response.health} />
          </Box>
          {response.items.length === 0 && (
            <Typography>
              No wal-g storage prefix is listed for this cluster.
            </Typography>
          )}
          {response.items.map(status => (
            <PostgresClusterCard key={status.name} status={status} />
          ))}
        </Box>
      )}
    </DataStateView>
  );
}

function WorkspaceBackupsSection(props: { cluster: string }) {
  const api = useApi(coderPlatformApiRef);
  const state = useAsync(
    () => api.getWorkspaceBackups(props.cluster),
    [api, props.cluster],
  );
  return (
    <DataStateView
      state={state}
      what="Workspace home backups"
      permission={PERMISSION}
    >
      {response => <WorkspaceBackupsTable backups={response} />}
    </DataStateView>
  );
}

/**
 * The Backups tab of a cluster: wal-g base backups per Postgres cluster, then
 * restic home backups per workspace. Each half loads and fails on its own.
 */
export function ClusterBackupsContent(props: { cluster: string }) {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <PostgresBackupsSection cluster={props.cluster} />
      </Grid>
      <Grid item xs={12}>
        <WorkspaceBackupsSection cluster={props.cluster} />
      </Grid>
    </Grid>
  );
}
