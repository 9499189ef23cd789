import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  coderPlatformCoderReadPermission,
  CoderOverviewResponse,
} from '@coder-platform/plugin-coder-platform-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import { ClusterLinks } from './ClusterLinks';
import { HealthSections } from './HealthSections';
import { ProvisionersTable } from './ProvisionersTable';
import { WorkspaceCounts } from './WorkspaceCounts';

function Overview(props: {
  overview: CoderOverviewResponse;
  entityLinks?: { title?: string; url: string }[];
}) {
  const { overview } = props;
  const { buildInfo } = overview;
  const otherUnavailable = overview.unavailable.filter(
    u => u.section !== 'health',
  );
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <InfoCard title="Coder deployment">
          <Typography variant="h6" component="p">
            Coder{' '}
            {buildInfo.externalUrl ? (
              <Link to={buildInfo.externalUrl}>{buildInfo.version}</Link>
            ) : (
              buildInfo.version
            )}
          </Typography>
          {buildInfo.upgradeMessage && (
            <Alert severity="info">{buildInfo.upgradeMessage}</Alert>
          )}
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Workspaces by status
          </Typography>
          <WorkspaceCounts stats={overview.stats} />
          {overview.stats?.connectionLatencyMs && (
            <Typography variant="body2" color="textSecondary">
              Connection latency p50 {overview.stats.connectionLatencyMs.p50}{' '}
              ms, p95 {overview.stats.connectionLatencyMs.p95} ms
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Links">
          <ClusterLinks
            coderUrl={buildInfo.dashboardUrl}
            entityLinks={props.entityLinks}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Health">
          <HealthSections
            health={overview.health}
            unavailable={overview.unavailable}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Provisioner daemons">
          <ProvisionersTable provisioners={overview.provisioners} />
        </InfoCard>
      </Grid>
      {otherUnavailable.length > 0 && (
        <Grid item xs={12}>
          <Alert severity="warning">
            Not shown:{' '}
            {otherUnavailable
              .map(u => `${u.section} (${u.message})`)
              .join('; ')}
          </Alert>
        </Grid>
      )}
    </Grid>
  );
}

/**
 * A cluster's Overview tab: Coder version and upgrade message, health
 * sections, workspaces by status, provisioner daemons, links.
 */
export function ClusterOverviewContent(props: {
  cluster: string;
  /** The catalog entity's links, for tools the backend has no URL for. */
  entityLinks?: { title?: string; url: string }[];
}) {
  const api = useApi(coderPlatformApiRef);
  const state = useAsync(
    () => api.getCoderOverview(props.cluster),
    [api, props.cluster],
  );
  return (
    <DataStateView
      state={state}
      what="Coder deployment"
      permission={coderPlatformCoderReadPermission.name}
    >
      {overview => (
        <Overview overview={overview} entityLinks={props.entityLinks} />
      )}
    </DataStateView>
  );
}
