import { Limiter, UpstreamBusyError, UpstreamTimeoutError } from './limiter';

describe('Limiter', () => {
  it('never runs more than `concurrency` calls at once and keeps going after failures', async () => {
    const limiter = new Limiter({ concurrency: 2, timeoutMs: 1000 });
    let active = 0;
    let peak = 0;
    const task = (fail: boolean) =>
      limiter.run('test', async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise(resolve => setTimeout(resolve, 5));
        active -= 1;
        if (fail) throw new Error('upstream said no');
        return 'ok';
      });
    const results = await Promise.allSettled(
      Array.from({ length: 9 }, (_, i) => task(i % 3 === 0)),
    );
    expect(peak).toBe(2);
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(6);
    expect(limiter.active).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('times out a call, aborts its signal and frees the slot', async () => {
    const limiter = new Limiter({ concurrency: 1, timeoutMs: 20 });
    let aborted = false;
    await expect(
      limiter.run('keycloak', signal => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise(() => {});
      }),
    ).rejects.toThrow(
      new UpstreamTimeoutError('keycloak: no answer within 0 s'),
    );
    expect(aborted).toBe(true);
    await expect(limiter.run('keycloak', async () => 'next')).resolves.toBe(
      'next',
    );
  });

  it('refuses at once when too many calls wait', async () => {
    const limiter = new Limiter({
      concurrency: 1,
      timeoutMs: 1000,
      maxQueue: 1,
    });
    let release!: () => void;
    const first = limiter.run(
      'gcs',
      () => new Promise<void>(r => (release = r)),
    );
    const second = limiter.run('gcs', async () => 'queued');
    await expect(
      limiter.run('gcs', async () => 'third'),
    ).rejects.toBeInstanceOf(UpstreamBusyError);
    release();
    await first;
    await expect(second).resolves.toBe('queued');
  });
});
