import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import Chip from '@material-ui/core/Chip';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatBytes } from '../shared';
import { backupColors } from './chartColors';
import { formatUtc } from './format';
import { toTimelinePoints } from './timeline';

/**
 * Backstage's theme lets every table cell break anywhere (`word-break:
 * break-word`), so a narrow column splits its header and values mid-word
 * ("Kin d", "Compres sed"). Headers and short values stay whole; only the
 * backup name (one long hex identifier) may break anywhere, and a screen too
 * narrow for the rest scrolls the table sideways.
 */
const whole = { whiteSpace: 'nowrap', wordBreak: 'normal' } as const;
/** Wraps at spaces only ("2026-12-01 / 01:00 UTC"), never inside a word. */
const wordsWhole = { wordBreak: 'normal', overflowWrap: 'normal' } as const;

/** Every base backup, newest first, with what the chart's tooltip shows. */
export function PostgresBackupList(props: { status: PostgresBackupStatus }) {
  const theme = useTheme();
  const colors = backupColors(theme);
  const points = toTimelinePoints(props.status).reverse();
  return (
    <TableContainer>
      <Table size="small" aria-label={`Base backups of ${props.status.name}`}>
        <TableHead>
          <TableRow>
            <TableCell style={whole}>Backup</TableCell>
            <TableCell style={whole}>Kind</TableCell>
            <TableCell style={whole}>Started</TableCell>
            <TableCell style={whole}>Finished</TableCell>
            <TableCell style={whole} align="right">
              Compressed
            </TableCell>
            <TableCell style={whole} align="right">
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
              <TableCell style={whole}>
                {point.kind === 'full' ? 'Full' : 'Delta'}
              </TableCell>
              <TableCell style={wordsWhole}>
                {formatUtc(point.startTime)}
              </TableCell>
              <TableCell style={wordsWhole}>
                {formatUtc(point.finishTime)}
              </TableCell>
              <TableCell style={whole} align="right">
                {formatBytes(point.compressedSize) || '–'}
              </TableCell>
              <TableCell style={whole} align="right">
                {formatBytes(point.uncompressedSize) || '–'}
              </TableCell>
              <TableCell style={whole}>
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
