import { isTransient, stableStringify, withRetry } from './util';

describe('cluster action utilities', () => {
  it('retries transient failures with back-off, then gives up', async () => {
    const transient = Object.assign(new Error('busy'), { status: 503 });
    const fn = jest
      .fn()
      .mockRejectedValueOnce(transient)
      .mockRejectedValueOnce(transient)
      .mockResolvedValue('ok');
    await expect(
      withRetry(fn, e => (e as { status: number }).status === 503, {
        baseDelayMs: 1,
      }),
    ).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);

    const always = jest.fn().mockRejectedValue(transient);
    await expect(
      withRetry(always, () => true, { attempts: 2, baseDelayMs: 1 }),
    ).rejects.toBe(transient);
    expect(always).toHaveBeenCalledTimes(2);
  });

  it('does not retry permanent failures or after cancellation', async () => {
    const fn = jest.fn().mockRejectedValue(new Error('forbidden'));
    await expect(
      withRetry(fn, () => false, { baseDelayMs: 1 }),
    ).rejects.toThrow('forbidden');
    expect(fn).toHaveBeenCalledTimes(1);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      withRetry(jest.fn(), () => true, { signal: controller.signal }),
    ).rejects.toThrow('cancelled');
  });

  it.each([
    [429, undefined, true],
    [503, undefined, true],
    [409, undefined, false],
    [undefined, 'ECONNRESET', true],
    [undefined, 'ENOTFOUND', false],
  ])('isTransient(%p, %p) is %p', (status, code, expected) => {
    expect(isTransient(status, code)).toBe(expected);
  });

  it('serialises with sorted keys', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(
      '{"a":[{"c":3,"d":2}],"b":1}',
    );
  });
});
