import { ConfigReader } from '@backstage/config';
import { readSettings } from './settings';

const withCache = (cache: Record<string, number | string>) =>
  readSettings(new ConfigReader({ coderPlatform: { cache } }));

describe('readSettings: back-off', () => {
  it('waits 5 s first and at most 5 min by default', () => {
    expect(readSettings(new ConfigReader({})).backoff).toEqual({
      backoffMs: 5_000,
      maxBackoffMs: 300_000,
    });
  });

  it('reads cache.backoffSeconds and cache.maxBackoffSeconds', () => {
    expect(
      withCache({ backoffSeconds: 30, maxBackoffSeconds: 900 }).backoff,
    ).toEqual({ backoffMs: 30_000, maxBackoffMs: 900_000 });
  });

  it.each([
    [{ backoffSeconds: 0 }, /coderPlatform\.cache\.backoffSeconds .* got 0/],
    [{ backoffSeconds: -5 }, /coderPlatform\.cache\.backoffSeconds .* got -5/],
    [
      { backoffSeconds: 60, maxBackoffSeconds: 30 },
      /coderPlatform\.cache\.maxBackoffSeconds must be at least coderPlatform\.cache\.backoffSeconds \(60\), got 30/,
    ],
    [
      { maxBackoffSeconds: 1 },
      /coderPlatform\.cache\.maxBackoffSeconds must be at least .*\(5\), got 1/,
    ],
  ])('refuses %j naming the key', (cache, message) => {
    expect(() => withCache(cache)).toThrow(message);
  });

  it('refuses a value that is not a number, naming the key', () => {
    expect(() => withCache({ backoffSeconds: 'soon' })).toThrow(
      /coderPlatform\.cache\.backoffSeconds/,
    );
  });
});
