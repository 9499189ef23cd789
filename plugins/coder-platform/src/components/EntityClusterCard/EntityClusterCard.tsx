import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { coderPlatformCoderReadPermission } from '@coder-platform/plugin-coder-platform-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { WorkspaceCounts } from '../ClusterOverview';
import { DataStateView } from '../DataStates';
import { EntityClusterGuard } from '../EntityCluster';
import { HealthBadge, useClusterLink } from '../shared';

function ClusterCardBody(props: { cluster: string }) {
  const api = useApi(coderPlatformApiRef);
  const link = useClusterLink();
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
        <>
          <Typography variant="body1" gutterBottom>
            Coder {overview.buildInfo.version}{' '}
            {overview.health ? (
              <HealthBadge
                level={overview.health.severity}
                label={
                  overview.health.healthy
                    ? 'healthy'
                    : `${overview.health.failing.length} failing health sections`
                }
              />
            ) : (
              <HealthBadge level="unknown" label="health not available" />
            )}
          </Typography>
          <WorkspaceCounts stats={overview.stats} />
          <Typography variant="body2" style={{ marginTop: 8 }}>
            {overview.templates.length} templates,{' '}
            {overview.provisioners.filter(p => p.status !== 'offline').length}{' '}
            of {overview.provisioners.length} provisioner daemons online
          </Typography>
          {link && (
            <Typography variant="body2">
              <Link to={link(props.cluster)}>Open the cluster page</Link>
            </Typography>
          )}
        </>
      )}
    </DataStateView>
  );
}

/**
 * Overview card of a `coder-cluster` Resource: the Coder version, health,
 * workspaces by status and a link to the cluster page.
 */
export function EntityClusterCard() {
  return (
    <EntityClusterGuard>
      {cluster => (
        <InfoCard title={`Coder cluster: ${cluster}`}>
          <ClusterCardBody cluster={cluster} />
        </InfoCard>
      )}
    </EntityClusterGuard>
  );
}
