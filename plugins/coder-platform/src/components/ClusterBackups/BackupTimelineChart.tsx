import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import { useTheme } from '@material-ui/core/styles';
import { useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { BackupTooltip } from './BackupTooltip';
import { backupColors } from './chartColors';
import {
  dayTick,
  timeAxis,
  timelineSeries,
  toTimelinePoints,
} from './timeline';

const HALF_DAY_MS = 12 * 3600 * 1000;

/**
 * Base backups of one Postgres cluster over time: full vs delta, compressed
 * size on the y axis, permanent backups starred, broken deltas crossed, and
 * the scheduled run the latest backup should cover.
 */
export function BackupTimelineChart(props: {
  status: Pick<
    PostgresBackupStatus,
    'name' | 'backups' | 'chains' | 'expectedAfter'
  >;
  height?: number;
}) {
  const { status, height = 280 } = props;
  const colors = backupColors(useTheme());
  const { series, axis } = useMemo(() => {
    const points = toTimelinePoints(status);
    return { series: timelineSeries(points), axis: timeAxis(points) };
  }, [status]);
  const expected = status.expectedAfter
    ? Date.parse(status.expectedAfter)
    : NaN;

  return (
    <figure
      aria-label={`Base backups of ${status.name} over time`}
      style={{ margin: 0 }}
    >
      <ResponsiveContainer
        width="100%"
        height={height}
        initialDimension={{ width: 720, height }}
      >
        <ScatterChart margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis
            dataKey="x"
            type="number"
            name="Started"
            scale="time"
            domain={
              axis?.domain ?? [
                `dataMin - ${HALF_DAY_MS}`,
                `dataMax + ${HALF_DAY_MS}`,
              ]
            }
            ticks={axis?.ticks}
            interval={0}
            tickFormatter={dayTick}
            stroke={colors.axis}
          />
          <YAxis
            dataKey="y"
            type="number"
            name="Compressed size"
            unit=" GiB"
            stroke={colors.axis}
            width={72}
          />
          <Tooltip
            content={<BackupTooltip />}
            cursor={{ stroke: colors.grid }}
          />
          <Legend />
          {!Number.isNaN(expected) && (
            <ReferenceLine
              x={expected}
              stroke={colors.axis}
              strokeDasharray="4 4"
              label={{ value: 'due', fill: colors.axis, position: 'top' }}
            />
          )}
          <Scatter
            name="Full"
            data={series.full}
            fill={colors.full}
            shape="circle"
          />
          <Scatter
            name="Delta"
            data={series.delta}
            fill={colors.delta}
            shape="diamond"
          />
          <Scatter
            name="Broken delta"
            data={series.broken}
            fill={colors.broken}
            shape="cross"
          />
          <Scatter
            name="Permanent"
            data={series.permanent}
            fill={colors.permanent}
            shape="star"
          />
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}
