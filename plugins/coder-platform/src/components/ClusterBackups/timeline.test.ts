import {
  mainPostgresStatusFixture,
  postgresBackupsFixture,
} from '../../__fixtures__/backups';
import { formatUtc } from './format';
import {
  dayTick,
  timeAxis,
  timelineSeries,
  toTimelinePoints,
} from './timeline';

describe('toTimelinePoints', () => {
  const points = toTimelinePoints(mainPostgresStatusFixture);

  it('maps every base backup to a point at its start, sized in compressed bytes', () => {
    expect(points).toHaveLength(14);
    expect(points[0]).toEqual({
      name: 'base_0000000100000001000000A0',
      kind: 'full',
      x: Date.parse('2026-11-15T01:00:04Z'),
      size: Math.round(2.05 * 1024 ** 3),
      startTime: '2026-11-15T01:00:04Z',
      finishTime: '2026-11-15T01:16:37Z',
      compressedSize: Math.round(2.05 * 1024 ** 3),
      uncompressedSize: Math.round(9.4 * 1024 ** 3),
      permanent: true,
      broken: false,
      deltaFrom: undefined,
    });
    expect(points[points.length - 1]).toMatchObject({
      name: 'base_000000010000000400000070_D_000000010000000400000040',
      kind: 'delta',
      size: Math.round(0.14 * 1024 ** 3),
      permanent: false,
      broken: false,
      deltaFrom: 'base_000000010000000400000040_D_000000010000000400000010',
    });
  });

  it('marks the delta whose parent is missing as broken, and only that one', () => {
    expect(points.filter(p => p.broken).map(p => p.name)).toEqual([
      'base_0000000100000003000000B0_D_000000010000000300000080',
    ]);
  });

  it('sorts oldest first and falls back to the sentinel time and uncompressed size', () => {
    const [first, second] = postgresBackupsFixture;
    const mapped = toTimelinePoints({
      backups: [
        second,
        {
          ...first,
          startTime: undefined,
          finishTime: undefined,
          compressedSize: undefined,
          sentinelTime: '2026-11-15T01:20:00Z',
        },
      ],
      chains: [],
    });
    expect(mapped.map(p => p.name)).toEqual([first.name, second.name]);
    expect(mapped[0]).toMatchObject({
      x: Date.parse('2026-11-15T01:20:00Z'),
      size: Math.round(9.4 * 1024 ** 3),
      finishTime: '2026-11-15T01:20:00Z',
    });
  });

  it('leaves out a backup without any readable time', () => {
    const [first] = postgresBackupsFixture;
    expect(
      toTimelinePoints({
        backups: [{ ...first, startTime: 'garbage', sentinelTime: '' }],
        chains: [],
      }),
    ).toEqual([]);
  });

  it('splits the points into full, restorable delta, broken and permanent series', () => {
    const series = timelineSeries(points);
    expect(series.full.map(p => p.startTime?.slice(0, 10))).toEqual([
      '2026-11-15',
      '2026-11-20',
      '2026-11-27',
    ]);
    expect(series.delta).toHaveLength(10);
    expect(series.broken.map(p => p.startTime?.slice(0, 10))).toEqual([
      '2026-11-26',
    ]);
    expect(series.permanent.map(p => p.name)).toEqual([
      'base_0000000100000001000000A0',
    ]);
  });

  it('labels the time axis with UTC days', () => {
    expect(dayTick(Date.parse('2026-11-30T23:59:00Z'))).toBe('11-30');
  });

  it('spans the time axis from midnight to midnight, labelled every other day for 16 days', () => {
    const axis = timeAxis(points)!;
    expect(axis.domain).toEqual([
      Date.parse('2026-11-15T00:00:00Z'),
      Date.parse('2026-12-01T00:00:00Z'),
    ]);
    expect(axis.ticks.map(dayTick)).toEqual([
      '11-15',
      '11-17',
      '11-19',
      '11-21',
      '11-23',
      '11-25',
      '11-27',
      '11-29',
      '12-01',
    ]);
    expect(timeAxis(points, 20)!.ticks).toHaveLength(17);
  });

  it('keeps the last backup inside the axis when the ticks skip its day, and gives one backup a day', () => {
    const seventeenDays = [
      points[0],
      { ...points[1], x: Date.parse('2026-12-02T01:00:00Z') },
    ];
    const axis = timeAxis(seventeenDays)!;
    expect(axis.domain[1]).toBe(Date.parse('2026-12-03T00:00:00Z'));
    expect(axis.ticks.every(t => t <= axis.domain[1])).toBe(true);
    expect(timeAxis([points[0]])).toEqual({
      domain: [
        Date.parse('2026-11-15T00:00:00Z'),
        Date.parse('2026-11-16T00:00:00Z'),
      ],
      ticks: [
        Date.parse('2026-11-15T00:00:00Z'),
        Date.parse('2026-11-16T00:00:00Z'),
      ],
    });
    expect(timeAxis([])).toBeUndefined();
  });
});

describe('formatUtc', () => {
  it('prints times in UTC, and unparsable ones as they came', () => {
    expect(formatUtc('2026-11-30T01:05:12Z')).toBe('2026-11-30 01:05 UTC');
    expect(formatUtc('yesterday')).toBe('yesterday');
    expect(formatUtc(undefined)).toBe('–');
  });
});
