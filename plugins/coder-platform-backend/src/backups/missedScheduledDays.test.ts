import type { PostgresBackup } from '@coder-platform/plugin-coder-platform-common';
import { MAX_SCHEDULED_RUNS, missedScheduledDays } from './missedScheduledDays';

function started(
  startTime: string,
  extra: Partial<PostgresBackup> = {},
): PostgresBackup {
  return {
    name: `base_${startTime}`,
    kind: 'full',
    timeline: 1,
    startSegment: '000000010000000000000003',
    startTime,
    finishTime: startTime,
    sentinelTime: startTime,
    isPermanent: false,
    ...extra,
  };
}

/** One backup at `time` on each day of November 2026 listed. */
function daily(days: number[], time = '01:03:00'): PostgresBackup[] {
  return days.map(d =>
    started(`2026-11-${String(d).padStart(2, '0')}T${time}Z`),
  );
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

const GRACE = 2 * 3600;

describe('missedScheduledDays', () => {
  it.each<[string, string, PostgresBackup[], string, string[]]>([
    [
      'every daily run answered',
      '0 1 * * *',
      daily(range(20, 28)),
      '2026-11-28T09:00:00Z',
      [],
    ],
    [
      'two gaps in a daily schedule',
      '0 1 * * *',
      daily([20, 21, 22, 24, 26, 27, 28]),
      '2026-11-28T09:00:00Z',
      ['2026-11-23', '2026-11-25'],
    ],
    [
      'a backup that started after the grace window does not answer the run',
      '0 1 * * *',
      [...daily([20, 21, 22, 23, 25]), started('2026-11-24T03:30:00Z')],
      '2026-11-25T09:00:00Z',
      ['2026-11-24'],
    ],
    [
      'today’s run still within its grace window is not missed yet',
      '0 1 * * *',
      daily(range(20, 27)),
      '2026-11-28T02:59:00Z',
      [],
    ],
    [
      'today’s run is missed once its grace window has ended',
      '0 1 * * *',
      daily(range(20, 27)),
      '2026-11-28T03:00:00Z',
      ['2026-11-28'],
    ],
    [
      'runs before the oldest backup (first day, bootstrap backup) are outside the history',
      '0 1 * * *',
      [started('2026-11-20T14:00:00Z'), ...daily(range(21, 28))],
      '2026-11-28T09:00:00Z',
      [],
    ],
    [
      'an old permanent backup does not stretch the retained history back',
      '0 1 * * *',
      [
        started('2026-01-05T01:02:00Z', { isPermanent: true }),
        ...daily(range(25, 28)),
      ],
      '2026-11-28T09:00:00Z',
      [],
    ],
    [
      'only permanent backups: the history starts at the oldest',
      '0 1 * * *',
      [
        started('2026-11-25T01:02:00Z', { isPermanent: true }),
        started('2026-11-27T01:02:00Z', { isPermanent: true }),
      ],
      '2026-11-27T09:00:00Z',
      ['2026-11-26'],
    ],
    [
      'one missed run of four a day names its day once',
      '0 */6 * * *',
      [
        ...['00', '06', '12', '18'].map(h => started(`2026-11-26T${h}:05:00Z`)),
        ...['00', '06', '18'].map(h => started(`2026-11-27T${h}:05:00Z`)),
        started('2026-11-28T00:05:00Z'),
      ],
      '2026-11-28T01:00:00Z',
      ['2026-11-27'],
    ],
    [
      'a weekly schedule only expects its weekday',
      '0 1 * * 0',
      [
        started('2026-11-01T01:04:00Z'),
        started('2026-11-08T01:04:00Z'),
        started('2026-11-22T01:04:00Z'),
      ],
      '2026-11-28T09:00:00Z',
      ['2026-11-15'],
    ],
    [
      'without startTime the finish time is used',
      '0 1 * * *',
      [
        { ...started('2026-11-26T01:30:00Z'), startTime: undefined },
        { ...started('2026-11-27T04:30:00Z'), startTime: undefined },
        started('2026-11-28T01:01:00Z'),
      ],
      '2026-11-28T09:00:00Z',
      ['2026-11-27'],
    ],
    [
      'no backups: no history to look at',
      '0 1 * * *',
      [],
      '2026-11-28T09:00:00Z',
      [],
    ],
  ])('%s', (_label, schedule, backups, now, expected) => {
    expect(
      missedScheduledDays({
        schedule,
        backups,
        now: new Date(now),
        graceSeconds: GRACE,
      }),
    ).toEqual(expected);
  });

  it.each([
    [30 * 60, ['2026-11-27']],
    [3 * 3600, []],
  ])(
    'honours the grace window (%d s) for a backup 2.5 h after its run',
    (graceSeconds, expected) => {
      const backups = [
        started('2026-11-26T01:00:30Z'),
        started('2026-11-27T03:30:00Z'),
        started('2026-11-28T01:00:30Z'),
      ];
      expect(
        missedScheduledDays({
          schedule: '0 1 * * *',
          backups,
          now: new Date('2026-11-28T09:00:00Z'),
          graceSeconds,
        }),
      ).toEqual(expected);
    },
  );

  it('looks at a bounded number of runs when the schedule is dense and the history long', () => {
    const days = missedScheduledDays({
      schedule: '* * * * *',
      backups: [started('2025-11-28T00:00:00Z')],
      now: new Date('2026-11-28T00:00:00Z'),
      graceSeconds: 0,
    });
    // 10,000 minutes are just under 7 days: the newest runs (the one at
    // `now` included, its grace being 0), 8 UTC days at most.
    expect(MAX_SCHEDULED_RUNS).toBe(10_000);
    expect(days).toEqual([
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
    ]);
  });
});
