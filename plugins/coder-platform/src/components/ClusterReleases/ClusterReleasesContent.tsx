import { useApi } from '@backstage/core-plugin-api';
import {
  coderPlatformReleasesReadPermission,
  HelmReleaseWithDrift,
  ReleaseDrift,
} from '@coder-platform/plugin-coder-platform-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { coderPlatformApiRef } from '../../api';
import { DataStateView } from '../DataStates';
import {
  formatDateTime,
  HealthBadge,
  HealthLevel,
  wholeCell,
  wordsCell,
} from '../shared';

const DRIFT: Record<ReleaseDrift, { level: HealthLevel; label: string }> = {
  'in-sync': { level: 'ok', label: 'in sync' },
  drift: { level: 'warning', label: 'drift' },
  missing: { level: 'error', label: 'not installed' },
  unpinned: { level: 'unknown', label: 'not pinned' },
};

function statusLevel(status: string): HealthLevel {
  if (status === 'deployed') return 'ok';
  if (status === 'failed') return 'error';
  if (status.startsWith('pending') || status === 'uninstalling')
    return 'warning';
  return 'unknown';
}

function ReleaseRow({ item }: { item: HelmReleaseWithDrift }) {
  const { installed, pinned } = item;
  const drift = DRIFT[item.drift];
  return (
    <TableRow>
      <TableCell>
        {item.release}
        <Typography variant="caption" color="textSecondary" display="block">
          {item.namespace}
        </Typography>
      </TableCell>
      <TableCell>{installed?.chart ?? pinned?.chart}</TableCell>
      <TableCell style={wholeCell}>{installed?.chartVersion ?? ''}</TableCell>
      <TableCell style={wholeCell}>{pinned?.version ?? ''}</TableCell>
      <TableCell style={wholeCell}>{installed?.appVersion ?? ''}</TableCell>
      <TableCell>
        {installed ? (
          <>
            <HealthBadge
              level={statusLevel(installed.status)}
              label={`${installed.status} (rev ${installed.revision})`}
            />
            {installed.status !== 'deployed' && installed.description && (
              <Typography variant="caption" display="block">
                {installed.description}
              </Typography>
            )}
          </>
        ) : (
          ''
        )}
      </TableCell>
      <TableCell style={wordsCell}>
        {formatDateTime(installed?.updated)}
      </TableCell>
      <TableCell>
        <HealthBadge level={drift.level} label={drift.label} />
      </TableCell>
    </TableRow>
  );
}

/**
 * A cluster's Releases tab: each Helm release with chart and app versions,
 * status and drift against the versions the cluster template pins.
 */
export function ClusterReleasesContent(props: { cluster: string }) {
  const api = useApi(coderPlatformApiRef);
  const state = useAsync(
    () => api.getReleases(props.cluster),
    [api, props.cluster],
  );
  return (
    <DataStateView
      state={state}
      what="Helm releases"
      permission={coderPlatformReleasesReadPermission.name}
    >
      {response =>
        response.items.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No Helm releases found in this cluster.
          </Typography>
        ) : (
          <>
            {response.driftCount > 0 ? (
              <Alert severity="warning">
                {response.driftCount} of {response.items.length} releases differ
                from the pinned versions: re-run the coder-development-cluster
                template to bring them in line.
              </Alert>
            ) : (
              <Alert severity="success">
                Every pinned release is installed at its pinned version.
              </Alert>
            )}
            <TableContainer>
              <Table size="small" aria-label="Helm releases">
                <TableHead>
                  <TableRow>
                    <TableCell style={wordsCell}>Release</TableCell>
                    <TableCell style={wordsCell}>Chart</TableCell>
                    <TableCell style={wordsCell}>Chart version</TableCell>
                    <TableCell style={wordsCell}>Pinned</TableCell>
                    <TableCell style={wordsCell}>App version</TableCell>
                    <TableCell style={wordsCell}>Status</TableCell>
                    <TableCell style={wordsCell}>Last deployed</TableCell>
                    <TableCell style={wordsCell}>Drift</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {response.items.map(item => (
                    <ReleaseRow
                      key={`${item.namespace}/${item.release}`}
                      item={item}
                    />
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          </>
        )
      }
    </DataStateView>
  );
}
