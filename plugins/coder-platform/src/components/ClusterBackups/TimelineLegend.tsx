import Typography from '@material-ui/core/Typography';
import { Symbols } from 'recharts';
import type { SeriesKey, SeriesStyle } from './chartColors';

const ICON = 22;

/** A series' symbol as a small icon, drawn exactly as in the chart. */
export function SeriesIcon(props: { style: SeriesStyle }) {
  const { style } = props;
  // The permanent mark is drawn large around a point; its icon is scaled down.
  const size = Math.min(style.size, 260);
  return (
    <svg
      width={ICON}
      height={ICON}
      viewBox={`0 0 ${ICON} ${ICON}`}
      aria-hidden="true"
    >
      <Symbols
        cx={ICON / 2}
        cy={ICON / 2}
        type={style.shape}
        size={size}
        fill={style.fill}
        stroke={style.stroke}
        strokeWidth={style.strokeWidth}
      />
    </svg>
  );
}

/** The chart's legend: each series' symbol, its name and how many backups it holds. */
export function TimelineLegend(props: {
  styles: Record<SeriesKey, SeriesStyle>;
  counts: Record<SeriesKey, number>;
}) {
  const keys: SeriesKey[] = ['full', 'delta', 'broken', 'permanent'];
  return (
    <ul
      aria-label="Legend"
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        justifyContent: 'center',
        gap: 20,
        listStyle: 'none',
        margin: 0,
        padding: 0,
      }}
    >
      {keys
        .filter(key => key !== 'broken' || props.counts.broken > 0)
        .map(key => (
          <li
            key={key}
            data-series={key}
            style={{ display: 'flex', alignItems: 'center', gap: 6 }}
          >
            <SeriesIcon style={props.styles[key]} />
            <Typography variant="body2" component="span">
              {props.styles[key].label} ({props.counts[key]})
            </Typography>
          </li>
        ))}
    </ul>
  );
}
