import type { PostgresBackupStatus } from '@coder-platform/plugin-coder-platform-common';
import { useTheme } from '@material-ui/core/styles';
import { useMemo } from 'react';
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  ScatterShapeProps,
  Symbols,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { BackupTooltip } from './BackupTooltip';
import {
  backupColors,
  SeriesKey,
  SeriesStyle,
  seriesStyles,
} from './chartColors';
import { sizeAxis, sizeTick } from './sizeAxis';
import {
  dayTick,
  timeAxis,
  timelineSeries,
  toTimelinePoints,
} from './timeline';
import { TimelineLegend } from './TimelineLegend';

const HALF_DAY_MS = 12 * 3600 * 1000;
const SERIES: SeriesKey[] = ['full', 'delta', 'broken', 'permanent'];

/** A series' symbol at a point, at the series' own size (not recharts' 64 px² default). */
function symbolAt(style: SeriesStyle) {
  return (props: ScatterShapeProps) => (
    <Symbols
      cx={props.cx}
      cy={props.cy}
      type={style.shape}
      size={style.size}
      fill={style.fill}
      stroke={style.stroke}
      strokeWidth={style.strokeWidth}
    />
  );
}

/**
 * Base backups of one Postgres cluster over time: full backups as filled
 * circles, deltas as hollow diamonds, broken deltas as crosses, a star around
 * each permanent backup; compressed size on the y axis (in the unit its
 * range calls for) and the scheduled run the latest backup should cover.
 * Not animated: the symbols are at full size from the first paint.
 */
export function BackupTimelineChart(props: {
  status: Pick<
    PostgresBackupStatus,
    'name' | 'backups' | 'chains' | 'expectedAfter'
  >;
  height?: number;
}) {
  const { status, height = 300 } = props;
  const theme = useTheme();
  const colors = backupColors(theme);
  const styles = seriesStyles(theme);
  const { series, axis, size } = useMemo(() => {
    const points = toTimelinePoints(status);
    const y = sizeAxis(points.map(p => p.size));
    const plotted = points.map(p => ({ ...p, y: p.size / y.divisor }));
    return {
      series: timelineSeries(plotted),
      axis: timeAxis(points),
      size: y,
    };
  }, [status]);
  const counts = {
    full: series.full.length,
    delta: series.delta.length,
    broken: series.broken.length,
    permanent: series.permanent.length,
  };
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
        <ScatterChart margin={{ top: 24, right: 24, bottom: 8, left: 8 }}>
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
            domain={size.domain}
            ticks={size.ticks}
            interval={0}
            tickFormatter={(value: number) => sizeTick(value, size.unit)}
            stroke={colors.axis}
            width={80}
          />
          <Tooltip
            content={<BackupTooltip />}
            cursor={{ stroke: colors.grid }}
          />
          {!Number.isNaN(expected) && (
            <ReferenceLine
              x={expected}
              stroke={colors.axis}
              strokeDasharray="4 4"
              label={{ value: 'due', fill: colors.axis, position: 'top' }}
            />
          )}
          {SERIES.map(key => (
            <Scatter
              key={key}
              name={styles[key].label}
              data={series[key]}
              shape={symbolAt(styles[key])}
              fill={styles[key].fill}
              stroke={styles[key].stroke}
              legendType="none"
              isAnimationActive={false}
            />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      <figcaption>
        <TimelineLegend styles={styles} counts={counts} />
      </figcaption>
    </figure>
  );
}
