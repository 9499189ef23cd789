import type { CoderProvisionerSummary } from '@coder-platform/plugin-coder-platform-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatDateTime, HealthBadge, HealthLevel } from '../shared';

const LEVEL: Record<CoderProvisionerSummary['status'], HealthLevel> = {
  idle: 'ok',
  busy: 'ok',
  offline: 'error',
  unknown: 'unknown',
};

/** Coder's provisioner daemons with status, version, last seen and the running job. */
export function ProvisionersTable(props: {
  provisioners: CoderProvisionerSummary[];
}) {
  if (props.provisioners.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No provisioner daemons reported: workspaces cannot build until one
        connects.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Provisioner daemons">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Version</TableCell>
          <TableCell>Last seen</TableCell>
          <TableCell>Current job</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.provisioners.map(p => (
          <TableRow key={p.name}>
            <TableCell>{p.name}</TableCell>
            <TableCell>
              <HealthBadge level={LEVEL[p.status]} label={p.status} />
            </TableCell>
            <TableCell>{p.version}</TableCell>
            <TableCell>{formatDateTime(p.lastSeenAt)}</TableCell>
            <TableCell>
              {p.currentJob
                ? `${p.currentJob.status}${
                    p.currentJob.template ? ` (${p.currentJob.template})` : ''
                  }`
                : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
