import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ClusterSummary } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { UpstreamChips } from './UpstreamChips';

const columns: TableColumn<ClusterSummary>[] = [
  { title: 'Cluster', field: 'title', highlight: true },
  {
    title: 'Name',
    field: 'name',
    render: cluster => <Chip size="small" label={cluster.name} />,
  },
  {
    title: 'Configured upstreams',
    render: cluster => <UpstreamChips upstreams={cluster.upstreams} />,
  },
];

/** Every cluster configured on the backend, with the upstreams it can show. */
export function ClustersTable() {
  const api = useApi(coderPlatformApiRef);
  const { value, loading, error } = useAsync(() => api.listClusters(), [api]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Table<ClusterSummary>
      title="Coder development clusters"
      options={{ paging: false, search: false }}
      columns={columns}
      data={value ?? []}
      emptyContent={
        <div style={{ padding: 16 }}>
          No clusters configured. Add them under coderPlatform.clusters in
          app-config.
        </div>
      }
    />
  );
}
