import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatBytes, wholeCell, wordsCell } from '../shared';
import { backupColors } from './chartColors';
import { formatUtc } from './format';
import { toTimelinePoints } from './timeline';

/**
 * Every base backup, newest first, with what the chart's tooltip shows.
 * Headers, kinds and sizes stay whole and dates wrap at spaces; only the
 * backup name (one long hex identifier) may break anywhere.
 */
export function PostgresBackupList(props: { status: PostgresBackupStatus }) {
  const theme = useTheme();
  const colors = backupColors(theme);
  const points = toTimelinePoints(props.status).reverse();
  return (
    <TableContainer>
      <Table size="small" aria-label={`Base backups of ${props.status.name}`}>
        <TableHead>
          <TableRow>
            <TableCell style={wholeCell}>Backup</TableCell>
            <TableCell style={wholeCell}>Kind</TableCell>
            <TableCell style={wholeCell}>Started</TableCell>
            <TableCell style={wholeCell}>Finished</TableCell>
            <TableCell style={wholeCell} align="right">
              Compressed
            </TableCell>
            <TableCell style={wholeCell} align="right">
              Uncompressed
            </TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {points.map(point => (
            <TableRow key={point.name}>
              <TableCell
                style={{
                  fontFamily: 'monospace',
                  wordBreak: 'break-all',
                  minWidth: '16ch',
                }}
              >
                {point.name}
              </TableCell>
              <TableCell style={wholeCell}>
                {point.kind === 'full' ? 'Full' : 'Delta'}
              </TableCell>
              <TableCell style={wordsCell}>
                {formatUtc(point.startTime)}
              </TableCell>
              <TableCell style={wordsCell}>
                {formatUtc(point.finishTime)}
              </TableCell>
              <TableCell style={wholeCell} align="right">
                {formatBytes(point.compressedSize) || '–'}
              </TableCell>
              <TableCell style={wholeCell} align="right">
                {formatBytes(point.uncompressedSize) || '–'}
              </TableCell>
              <TableCell style={wholeCell}>
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
    </TableContainer>
  );
}
