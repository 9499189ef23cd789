import { Content, ContentHeader, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { coderPlatformClusterReadPermission } from '@coder-platform/plugin-coder-platform-common';
import Typography from '@material-ui/core/Typography';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { DataStateView } from '../DataStates';
import { UpstreamChips } from '../ClustersTable/UpstreamChips';
import { ClusterTabs } from './ClusterTabs';
import { useClusterEntity } from './useClusterEntity';

/** `/coder-platform/clusters/:name`: the cluster's title, its upstreams and its tabs. */
export function ClusterPage() {
  const { name = '' } = useParams();
  const api = useApi(coderPlatformApiRef);
  const root = useRouteRef(rootRouteRef);
  const state = useAsync(() => api.getCluster(name), [api, name]);
  const entity = useClusterEntity(name);
  return (
    <Content>
      <DataStateView
        state={state}
        what={`Cluster ${name}`}
        permission={coderPlatformClusterReadPermission.name}
      >
        {cluster => (
          <>
            <ContentHeader title={cluster.title}>
              <Link to={root()}>All clusters</Link>
            </ContentHeader>
            <Typography variant="body2" color="textSecondary" component="div">
              <code>{cluster.name}</code> · configured:{' '}
              <UpstreamChips upstreams={cluster.upstreams} />
            </Typography>
            <ClusterTabs
              cluster={cluster.name}
              entityLinks={entity.value?.metadata.links}
            />
          </>
        )}
      </DataStateView>
    </Content>
  );
}
