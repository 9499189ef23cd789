import {
  formatLsn,
  formatWalSegment,
  lsnToSegment,
  parseBackupName,
  parseLsn,
  parseWalFileName,
  parseWalSegment,
  segmentAtPosition,
  segmentsBetween,
  segmentsPerLogId,
  walPosition,
} from './walNames';

describe('WAL segment names', () => {
  it('round-trips a segment name', () => {
    const segment = parseWalSegment('0000000200000016000000B3');
    expect(segment).toEqual({ timeline: 2, logId: 0x16, segment: 0xb3 });
    expect(formatWalSegment(segment!)).toBe('0000000200000016000000B3');
  });

  it.each([
    ['000000010000000000000003.lz4', 'segment', 1],
    ['000000010000000000000003', 'segment', 1],
    ['000000010000000000000003.partial.br', 'partial', 1],
    ['000000010000000000000003.partial', 'partial', 1],
    ['00000002.history.lz4', 'history', 2],
    ['0000000A.history', 'history', 10],
    ['000000010000000000000003.00000028.backup.zst', 'backup-label', 1],
  ])('classifies %s as %s on timeline %d', (name, kind, timeline) => {
    expect(parseWalFileName(name)).toMatchObject({ kind, timeline });
  });

  it('rejects names that are not WAL files', () => {
    expect(parseWalFileName('README')).toBeUndefined();
    expect(parseWalSegment('00000001000000000000000')).toBeUndefined();
  });

  it('maps LSNs to segments for 16 MiB and 64 MiB segments', () => {
    expect(formatWalSegment(lsnToSegment(parseLsn('0/3000028'), 1))).toBe(
      '000000010000000000000003',
    );
    expect(formatWalSegment(lsnToSegment(parseLsn('16/B374D848'), 1))).toBe(
      '0000000100000016000000B3',
    );
    expect(
      formatWalSegment(
        lsnToSegment(parseLsn('16/B374D848'), 3, 64 * 1024 * 1024),
      ),
    ).toBe('00000003000000160000002C');
    expect(segmentsPerLogId()).toBe(256);
    expect(segmentsPerLogId(64 * 1024 * 1024)).toBe(64);
  });

  it('formats and parses LSNs, including ones above 2^53', () => {
    expect(formatLsn(0x3000028)).toBe('0/3000028');
    expect(formatLsn(parseLsn('FFFFFFFF/FFFFFFFF'))).toBe('FFFFFFFF/FFFFFFFF');
    expect(() => parseLsn('3000028')).toThrow(/not an LSN/);
  });

  it('counts segments across a log id boundary', () => {
    const from = parseWalSegment('0000000100000000000000FE')!;
    const to = parseWalSegment('000000010000000100000002')!;
    expect(segmentsBetween(from, to)).toBe(4);
    expect(segmentsBetween(to, from)).toBe(-4);
  });

  it('orders positions like names', () => {
    const names = [
      '0000000100000000000000FF',
      '000000010000000100000000',
      '000000010000FFFF000000FF',
      '000000010001000000000000',
    ];
    const positions = names.map(n => walPosition(parseWalSegment(n)!));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(formatWalSegment(segmentAtPosition(1, positions[2]))).toBe(names[2]);
  });

  it('parses full and delta backup names', () => {
    expect(parseBackupName('base_000000010000000000000003')).toMatchObject({
      start: { timeline: 1, logId: 0, segment: 3 },
      deltaFromSegment: undefined,
    });
    expect(
      parseBackupName(
        'base_000000010000000000000009_D_000000010000000000000003',
      ),
    ).toMatchObject({ deltaFromSegment: '000000010000000000000003' });
    expect(parseBackupName('base_xyz')).toBeUndefined();
  });
});
