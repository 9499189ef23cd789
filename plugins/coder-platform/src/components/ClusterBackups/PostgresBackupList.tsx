import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatBytes } from '../shared';
import { backupColors } from './chartColors';
import { formatUtc } from './format';
import { toTimelinePoints } from './timeline';

/** Every base backup, newest first, with what the chart's tooltip shows. */
export function PostgresBackupList(props: { status: PostgresBackupStatus }) {
  const theme = useTheme();
  const colors = backupColors(theme);
  const points = toTimelinePoints(props.status).reverse();
  return (
    <Table size="small" aria-label={`Base backups of ${props.status.name}`}>
      <TableHead>
        <TableRow>
          <TableCell>Backup</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>Started</TableCell>
          <TableCell>Finished</TableCell>
          <TableCell align="right">Compressed</TableCell>
          <TableCell align="right">Uncompressed</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {points.map(point => (
          <TableRow key={point.name}>
            <TableCell
              style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
            >
              {point.name}
            </TableCell>
            <TableCell>{point.kind === 'full' ? 'Full' : 'Delta'}</TableCell>
            <TableCell>{formatUtc(point.startTime)}</TableCell>
            <TableCell>{formatUtc(point.finishTime)}</TableCell>
            <TableCell align="right">
              {formatBytes(point.compressedSize) || '–'}
            </TableCell>
            <TableCell align="right">
              {formatBytes(point.uncompressedSize) || '–'}
            </TableCell>
            <TableCell>
              {point.permanent && (
                <Chip size="small" variant="outlined" label="Permanent" />
              )}
              {point.broken && (
                <Chip
                  size="small"
                  label="Cannot be restored"
                  style={{
                    backgroundColor: colors.broken,
                    color: theme.palette.getContrastText(colors.broken),
                  }}
                />
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
