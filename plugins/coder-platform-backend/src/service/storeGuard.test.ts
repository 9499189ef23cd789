import { mockServices } from '@backstage/backend-test-utils';
import { StoreGuard } from './storeGuard';

const never = () => new Promise<string>(() => undefined);

describe('StoreGuard', () => {
  it('gives up on a store call that never answers, as while Redis is down', async () => {
    const logger = mockServices.logger.mock();
    const guard = new StoreGuard({ logger, timeoutMs: 20 });
    await expect(guard.run('reading k', never)).resolves.toEqual({ ok: false });
    expect(guard.down).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      'cache store failed (reading k: no answer within 0.02 s); views are answered without it, and this replica backs off failing upstreams on its own, until the store answers again',
    );
  });

  it('leaves the store alone after a failure (5 s, then 10 s, ...), then tries once more, logging the outage once and its end once', async () => {
    let now = 0;
    const logger = mockServices.logger.mock();
    const guard = new StoreGuard({
      logger,
      timeoutMs: 20,
      retryMs: 5_000,
      maxRetryMs: 300_000,
      now: () => now,
    });
    let calls = 0;
    let answering = false;
    const call = () => {
      calls += 1;
      return answering
        ? Promise.resolve('value')
        : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    };
    await expect(guard.run('reading k', call)).resolves.toEqual({ ok: false });
    for (let i = 0; i < 10; i++) {
      now += 400;
      await expect(guard.run('reading k', call)).resolves.toEqual({
        ok: false,
      });
    }
    // 4 s of requests: none reached the store.
    expect(calls).toBe(1);
    now += 1_000;
    await guard.run('reading k', call);
    expect(calls).toBe(2);
    // The second failure in a row pauses 10 s.
    now += 9_000;
    await guard.run('reading k', call);
    expect(calls).toBe(2);
    answering = true;
    now += 1_000;
    await expect(guard.run('reading k', call)).resolves.toEqual({
      ok: true,
      value: 'value',
    });
    expect(guard.down).toBe(false);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      'cache store answers again: views are cached and the upstream back-off is shared by every replica again',
    );
  });

  it('passes values and undefined through while the store answers, and survives a call that throws at once', async () => {
    const guard = new StoreGuard({ logger: mockServices.logger.mock() });
    await expect(
      guard.run('reading k', async () => undefined),
    ).resolves.toEqual({ ok: true, value: undefined });
    await expect(
      guard.run('reading k', () => {
        throw new Error('client closed');
      }),
    ).resolves.toEqual({ ok: false });
  });

  it('pauses at most maxRetryMs between tries at a store that stays down', async () => {
    let now = 0;
    const guard = new StoreGuard({
      logger: mockServices.logger.mock(),
      retryMs: 5_000,
      maxRetryMs: 60_000,
      now: () => now,
    });
    let calls = 0;
    const call = async () => {
      calls += 1;
      throw new Error('down');
    };
    // An hour of one request per second: tries at 0, 5, 15, 35 s, then
    // every 60 s from 75 s (59 more before 3,600 s).
    for (let i = 0; i < 3600; i++) {
      await guard.run('reading k', call);
      now += 1000;
    }
    expect(calls).toBe(4 + 59);
  });
});
