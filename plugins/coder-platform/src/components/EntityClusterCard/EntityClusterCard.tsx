import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getEntityClusterName } from '@coder-platform/plugin-coder-platform-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { UpstreamChips } from '../ClustersTable';

/**
 * Shows the cluster an entity is bound to through `coder-platform.io/cluster`,
 * and whether the backend knows it.
 */
export function EntityClusterCard() {
  const { entity } = useEntity();
  const api = useApi(coderPlatformApiRef);
  const state = useAsync(async () => {
    const name = getEntityClusterName(entity);
    const clusters = await api.listClusters();
    return { name, cluster: clusters.find(c => c.name === name) };
  }, [api, entity]);

  if (state.loading) {
    return <Progress />;
  }
  if (state.error) {
    return <ResponseErrorPanel error={state.error} />;
  }
  const { name, cluster } = state.value!;
  if (!cluster) {
    return (
      <WarningPanel
        title={`Cluster "${name}" is not configured`}
        message={`This entity names cluster "${name}", but coderPlatform.clusters in the backend's app-config has no cluster of that name.`}
      />
    );
  }
  return (
    <InfoCard title={`Coder cluster: ${cluster.title}`}>
      <Typography variant="body2" gutterBottom>
        Cluster name: <code>{cluster.name}</code>
      </Typography>
      <UpstreamChips upstreams={cluster.upstreams} />
    </InfoCard>
  );
}
