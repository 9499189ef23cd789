import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { backupColors, SeriesKey, seriesStyles } from './chartColors';
import { formatBytes } from '../shared';
import { formatUtc } from './format';
import type { TimelinePoint } from './timeline';
import { SeriesIcon } from './TimelineLegend';

/** The part of recharts' tooltip props this content reads. */
export interface BackupTooltipProps {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
}

function Row(props: { label: string; children: ReactNode }) {
  return (
    <tr>
      <th
        scope="row"
        style={{ textAlign: 'left', fontWeight: 'normal', paddingRight: 8 }}
      >
        <Typography variant="body2" color="textSecondary" component="span">
          {props.label}
        </Typography>
      </th>
      <td>
        <Typography variant="body2" component="span">
          {props.children}
        </Typography>
      </td>
    </tr>
  );
}

function kindOf(point: TimelinePoint): { series: SeriesKey; text: string } {
  if (point.kind === 'full') return { series: 'full', text: 'Full backup' };
  if (point.broken) {
    return { series: 'broken', text: 'Delta backup, cannot be restored' };
  }
  return { series: 'delta', text: 'Delta backup' };
}

/**
 * Tooltip of a point of the backup timeline: its name, then kind (with the
 * chart's symbol), size, start and finish, whether it is permanent, and the
 * backup a delta increments.
 */
export function BackupTooltip(props: BackupTooltipProps) {
  const theme = useTheme();
  const colors = backupColors(theme);
  const point = props.payload?.[0]?.payload as TimelinePoint | undefined;
  if (!props.active || !point) return null;
  const kind = kindOf(point);
  return (
    <div
      role="tooltip"
      style={{
        background: colors.tooltipBackground,
        color: colors.tooltipText,
        border: `1px solid ${colors.grid}`,
        padding: 8,
        maxWidth: 460,
      }}
    >
      <Typography variant="subtitle2" style={{ wordBreak: 'break-all' }}>
        {point.name}
      </Typography>
      <table style={{ borderCollapse: 'collapse' }}>
        <tbody>
          <Row label="Kind">
            <span
              style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
            >
              <SeriesIcon style={seriesStyles(theme)[kind.series]} />
              {kind.text}
            </span>
          </Row>
          <Row label="Size">
            {formatBytes(point.compressedSize) || '–'} compressed,{' '}
            {formatBytes(point.uncompressedSize) || '–'} uncompressed
          </Row>
          <Row label="Started">{formatUtc(point.startTime)}</Row>
          <Row label="Finished">{formatUtc(point.finishTime)}</Row>
          <Row label="Permanent">
            {point.permanent ? 'yes, kept past the retention' : 'no'}
          </Row>
          {point.deltaFrom && (
            <Row label="Increments">
              <span style={{ wordBreak: 'break-all' }}>{point.deltaFrom}</span>
            </Row>
          )}
        </tbody>
      </table>
    </div>
  );
}
