import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { coderPlatformClusterReadPermission } from '@coder-platform/plugin-coder-platform-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import { useClusterLink, wordsCell } from '../shared';
import { ClusterRow } from './ClusterRow';

/**
 * Every cluster the backend knows, with health, Coder version, workspaces by
 * status and the latest Postgres backup; a click opens the cluster page.
 */
export function ClustersTable() {
  const api = useApi(coderPlatformApiRef);
  const link = useClusterLink();
  const state = useAsync(() => api.listClusters(), [api]);
  return (
    <InfoCard title="Coder development clusters" noPadding>
      <DataStateView
        state={state}
        what="Clusters"
        permission={coderPlatformClusterReadPermission.name}
      >
        {clusters =>
          clusters.length === 0 ? (
            <Typography variant="body2" style={{ padding: 16 }}>
              No clusters configured. Add them under{' '}
              <code>coderPlatform.clusters</code> in the backend's app-config,
              or register a <code>coder-cluster</code> Resource with a
              provisioning template.
            </Typography>
          ) : (
            <TableContainer>
              <Table aria-label="Clusters">
                <TableHead>
                  <TableRow>
                    <TableCell style={wordsCell}>Cluster</TableCell>
                    <TableCell style={wordsCell}>Health</TableCell>
                    <TableCell style={wordsCell}>Coder version</TableCell>
                    <TableCell style={wordsCell}>Workspaces</TableCell>
                    <TableCell style={wordsCell}>
                      Latest Postgres backup
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {clusters.map(cluster => (
                    <ClusterRow
                      key={cluster.name}
                      cluster={cluster}
                      link={link}
                    />
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )
        }
      </DataStateView>
    </InfoCard>
  );
}
