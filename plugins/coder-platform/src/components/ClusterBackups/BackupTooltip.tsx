import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { backupColors } from './chartColors';
import { formatBytes } from '../shared';
import { formatUtc } from './format';
import type { TimelinePoint } from './timeline';

/** The part of recharts' tooltip props this content reads. */
export interface BackupTooltipProps {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
}

/** Tooltip of a point of the backup timeline: name, start and finish, size. */
export function BackupTooltip(props: BackupTooltipProps) {
  const colors = backupColors(useTheme());
  const point = props.payload?.[0]?.payload as TimelinePoint | undefined;
  if (!props.active || !point) return null;
  const flags = [
    point.kind === 'full' ? 'Full backup' : 'Delta backup',
    point.permanent ? 'permanent' : undefined,
    point.broken ? 'cannot be restored' : undefined,
  ].filter(Boolean);
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
      <Typography variant="body2">{flags.join(', ')}</Typography>
      <Typography variant="body2">
        Started {formatUtc(point.startTime)}
      </Typography>
      <Typography variant="body2">
        Finished {formatUtc(point.finishTime)}
      </Typography>
      <Typography variant="body2">
        Size {formatBytes(point.compressedSize) || '–'} compressed,{' '}
        {formatBytes(point.uncompressedSize) || '–'} uncompressed
      </Typography>
      {point.deltaFrom && (
        <Typography variant="body2" style={{ wordBreak: 'break-all' }}>
          Increments {point.deltaFrom}
        </Typography>
      )}
    </div>
  );
}
