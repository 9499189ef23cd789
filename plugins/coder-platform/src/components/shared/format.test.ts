import { formatAge, formatBuildTime, formatBytes } from './format';

describe('format', () => {
  it.each([
    [0, '0 s'],
    [40, '40 s'],
    [720, '12 min'],
    [28_488, '7 h 54 min'],
    [273_600, '3 d 4 h'],
    [86_400, '1 d'],
  ])('formatAge(%d) is %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });

  it('formats build times and says when Coder has none', () => {
    expect(formatBuildTime(95_000)).toBe('1 min 35 s');
    expect(formatBuildTime(null)).toBe('n/a');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_503_238_553)).toBe('1.4 GiB');
  });
});
