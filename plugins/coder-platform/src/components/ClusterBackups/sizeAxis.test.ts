import { sizeAxis, sizeTick } from './sizeAxis';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('sizeAxis', () => {
  it.each([
    // The seeded local cluster: 12.5 MiB full backups, 1 MiB deltas.
    [[12.5 * MiB, 1 * MiB], 'MiB', [0, 5, 10, 15]],
    // The fixture's production-like cluster: 2.05 GiB full, 0.14 GiB deltas.
    [[2.05 * GiB, 0.14 * GiB], 'GiB', [0, 1, 2, 3]],
    [[900 * MiB, 120 * MiB], 'MiB', [0, 250, 500, 750, 1000]],
    [[1 * GiB], 'GiB', [0, 0.25, 0.5, 0.75, 1, 1.25]],
    [[3 * KiB, 200], 'KiB', [0, 1, 2, 3, 4]],
    [[512], 'B', [0, 200, 400, 600]],
    [[1.5 * 1024 * GiB], 'TiB', [0, 0.5, 1, 1.5, 2]],
  ])('puts %p bytes on a %s axis with ticks %p', (sizes, unit, ticks) => {
    const axis = sizeAxis(sizes);
    expect(axis.unit).toBe(unit);
    expect(axis.ticks).toEqual(ticks);
    expect(axis.domain).toEqual([0, ticks[ticks.length - 1]]);
    // Every size lies strictly below the top tick, none on the edge.
    for (const size of sizes) {
      expect(size / axis.divisor).toBeLessThan(axis.domain[1]);
    }
  });

  it('gives an axis of bytes from 0 to 1 when no size is known', () => {
    expect(sizeAxis([])).toEqual({
      unit: 'B',
      divisor: 1,
      domain: [0, 1],
      ticks: [0, 1],
    });
    expect(sizeAxis([0, NaN])).toMatchObject({ unit: 'B', ticks: [0, 1] });
  });

  it('divides by the bytes of its unit', () => {
    expect(sizeAxis([12.5 * MiB]).divisor).toBe(MiB);
    expect(sizeAxis([2 * GiB]).divisor).toBe(GiB);
  });
});

describe('sizeTick', () => {
  it('prints a tick with at most two decimals and its unit', () => {
    expect(sizeTick(0, 'MiB')).toBe('0 MiB');
    expect(sizeTick(12.5, 'MiB')).toBe('12.5 MiB');
    expect(sizeTick(0.25, 'GiB')).toBe('0.25 GiB');
    expect(sizeTick(1 / 3, 'GiB')).toBe('0.33 GiB');
  });
});
