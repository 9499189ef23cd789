import type { PostgresBackup } from '@coder-platform/plugin-coder-platform-common';
import {
  evaluatePostgresBackups,
  scheduleWindow,
  worst,
} from './postgresHealth';

function backup(
  name: string,
  finishTime: string,
  extra: Partial<PostgresBackup> = {},
): PostgresBackup {
  return {
    name,
    kind: 'full',
    timeline: 1,
    startSegment: '000000010000000000000003',
    finishTime,
    sentinelTime: finishTime,
    isPermanent: false,
    ...extra,
  };
}

const wal = {
  newestFile: '000000010000000000000009.lz4',
  lagSeconds: 120,
  listRequests: 1,
};

function evaluate(now: string, backups: PostgresBackup[], extra = {}) {
  return evaluatePostgresBackups({
    name: 'main',
    location: 'gs://b/p',
    schedule: '0 1 * * *',
    backups,
    chains: backups.map(b => ({ full: b.name, deltas: [] })),
    wal,
    now: new Date(now),
    ...extra,
  });
}

describe('scheduleWindow', () => {
  it.each([
    // 01:00 daily, 2 h grace: at 03:30 today's 01:00 run is due.
    [
      '2026-11-28T03:30:00Z',
      '2026-11-28T01:00:00.000Z',
      '2026-11-27T01:00:00.000Z',
      '2026-11-29T01:00:00.000Z',
    ],
    // At 01:30 today's run may still be running: yesterday's is the one due.
    [
      '2026-11-28T01:30:00Z',
      '2026-11-27T01:00:00.000Z',
      '2026-11-26T01:00:00.000Z',
      '2026-11-29T01:00:00.000Z',
    ],
  ])(
    'at %s expects %s (before: %s, next: %s)',
    (now, expected, previous, next) => {
      const window = scheduleWindow('0 1 * * *', new Date(now), 7200);
      expect(window.expected.toISOString()).toBe(expected);
      expect(window.previous.toISOString()).toBe(previous);
      expect(window.next.toISOString()).toBe(next);
    },
  );

  it('handles schedules with several runs a day', () => {
    const window = scheduleWindow(
      '0 */6 * * *',
      new Date('2026-11-28T13:00:00Z'),
      1800,
    );
    expect(window.expected.toISOString()).toBe('2026-11-28T12:00:00.000Z');
    expect(window.previous.toISOString()).toBe('2026-11-28T06:00:00.000Z');
  });
});

describe('evaluatePostgresBackups', () => {
  it.each([
    ['today’s backup present', '2026-11-28T01:07:00Z', 'ok'],
    [
      'today’s backup missing, yesterday’s present',
      '2026-11-27T01:07:00Z',
      'warning',
    ],
    ['two scheduled backups missing', '2026-11-26T01:07:00Z', 'critical'],
  ])('%s → %s', (_label, finish, health) => {
    const status = evaluate('2026-11-28T09:00:00Z', [backup('base_1', finish)]);
    expect(status.health).toBe(health);
    expect(status.latest?.name).toBe('base_1');
  });

  it('is critical without backups and says why', () => {
    const status = evaluate('2026-11-28T09:00:00Z', []);
    expect(status).toMatchObject({
      health: 'critical',
      count: 0,
      reasons: ['No base backup found'],
    });
  });

  it('reports age, the expected run and the next one', () => {
    const status = evaluate('2026-11-28T09:00:00Z', [
      backup('base_1', '2026-11-28T01:07:00Z'),
    ]);
    expect(status).toMatchObject({
      latestAgeSeconds: 7 * 3600 + 53 * 60,
      expectedAfter: '2026-11-28T01:00:00.000Z',
      nextScheduled: '2026-11-29T01:00:00.000Z',
      reasons: [],
    });
  });

  it.each([
    [4000, 'warning', /No WAL archived for 67 min/],
    [7 * 3600, 'critical', /No WAL archived for 7 h/],
  ])('flags WAL lag of %d s as %s', (lagSeconds, health, reason) => {
    const status = evaluate(
      '2026-11-28T09:00:00Z',
      [backup('base_1', '2026-11-28T01:07:00Z')],
      {
        wal: { ...wal, lagSeconds },
      },
    );
    expect(status.health).toBe(health);
    expect(status.reasons[0]).toMatch(reason);
  });

  it('flags broken delta chains as critical and too many backups as a warning', () => {
    const backups = Array.from({ length: 20 }, (_, i) =>
      backup(
        `base_${i}`,
        `2026-11-${String(i + 9).padStart(2, '0')}T01:07:00Z`,
      ),
    );
    const status = evaluate('2026-11-28T09:00:00Z', backups, {
      retain: 14,
      chains: [
        ...backups.map(b => ({ full: b.name, deltas: [] })),
        {
          full: 'base_x',
          deltas: ['base_y'],
          broken: [{ backup: 'base_y', missingParent: 'base_x' }],
        },
      ],
    });
    expect(status.health).toBe('critical');
    expect(status.reasons).toEqual([
      'Delta backup base_y cannot be restored: base_x is missing',
      '20 backups kept while retain is 14: is retention running?',
    ]);
  });

  it('reports the days with a missed scheduled backup, and unreadable backups', () => {
    const status = evaluate(
      '2026-11-28T09:00:00Z',
      [
        backup('base_1', '2026-11-25T01:07:00Z', {
          startTime: '2026-11-25T01:00:05Z',
        }),
        backup('base_2', '2026-11-28T01:07:00Z', {
          startTime: '2026-11-28T01:00:05Z',
        }),
      ],
      { unreadable: [{ name: 'base_3', reason: 'LSN is not a number' }] },
    );
    expect(status.missedScheduledDays).toEqual(['2026-11-26', '2026-11-27']);
    expect(status.unreadable).toEqual([
      { name: 'base_3', reason: 'LSN is not a number' },
    ]);
    expect(status.health).toBe('warning');
    expect(status.reasons).toEqual([
      '1 backup could not be read (base_3): left out of ages and chains',
    ]);
  });

  it('orders severities', () => {
    expect(worst(['ok', 'warning', 'ok'])).toBe('warning');
    expect(worst(['warning', 'critical'])).toBe('critical');
    expect(worst([])).toBe('ok');
  });
});
