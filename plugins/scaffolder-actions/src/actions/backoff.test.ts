import { retryWithBackoff, sleep } from './backoff';

const abortError = () => new Error('cancelled');

describe('retryWithBackoff', () => {
  it('retries transient failures until one succeeds, with the given delays', async () => {
    const delays: number[] = [];
    const fn = jest
      .fn()
      .mockRejectedValueOnce(new Error('503'))
      .mockRejectedValueOnce(new Error('503'))
      .mockResolvedValue('ok');

    await expect(
      retryWithBackoff(fn, {
        maxAttempts: 4,
        delayMs: attempt => attempt,
        retryable: () => true,
        abortError,
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      }),
    ).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(delays).toEqual([1, 2]);
  });

  it.each([
    ['a permanent failure', () => false, 5, 1],
    ['the last attempt', () => true, 2, 2],
  ])('gives up on %s', async (_what, retryable, maxAttempts, calls) => {
    const fn = jest.fn().mockRejectedValue(new Error('nope'));
    await expect(
      retryWithBackoff(fn, {
        maxAttempts,
        delayMs: () => 0,
        retryable,
        abortError,
      }),
    ).rejects.toThrow('nope');
    expect(fn).toHaveBeenCalledTimes(calls);
  });

  it('stops a hanging call and the loop when the task is cancelled', async () => {
    const controller = new AbortController();
    const fn = jest.fn(() => new Promise(() => {}));
    const run = retryWithBackoff(fn, {
      maxAttempts: 3,
      delayMs: () => 0,
      retryable: () => true,
      signal: controller.signal,
      abortError,
    });
    controller.abort();
    await expect(run).rejects.toThrow('cancelled');
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('sleep', () => {
  it('rejects at once when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const wait = sleep(60_000, controller.signal, abortError);
    controller.abort();
    await expect(wait).rejects.toThrow('cancelled');
  });
});
