import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { Limiter, UpstreamBusyError, UpstreamTimeoutError } from './limiter';

/** An HTTP server that never answers, counting the requests open at it. */
async function hangingServer() {
  let open = 0;
  let peak = 0;
  let closed = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer(req => {
    requests += 1;
    open += 1;
    peak = Math.max(peak, open);
    // Never answers; the request is open until the client closes it.
    req.socket.on('close', () => {
      open -= 1;
      closed += 1;
    });
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    open: () => open,
    peak: () => peak,
    closed: () => closed,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** Resolves when `condition` holds, checking on every turn of the event loop. */
async function until(condition: () => boolean) {
  while (!condition()) await new Promise(resolve => setImmediate(resolve));
}

describe('Limiter', () => {
  it('never runs more than `concurrency` requests at once and keeps going after failures', async () => {
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

  it('times out a call, aborts its signal, and frees the slot only when the request has ended', async () => {
    const limiter = new Limiter({ concurrency: 1, timeoutMs: 20 });
    let finish!: () => void;
    let aborted = false;
    const first = limiter.run(
      'keycloak',
      signal =>
        new Promise<void>(resolve => {
          signal.addEventListener('abort', () => {
            aborted = true;
            // The request winds down later than the abort.
            finish = resolve;
          });
        }),
    );
    await expect(first).rejects.toThrow(
      new UpstreamTimeoutError('keycloak: no answer within 0 s'),
    );
    expect(aborted).toBe(true);
    // Still winding down: the slot is held, the next request waits.
    expect(limiter.active).toBe(1);
    let started = false;
    const next = limiter.run('keycloak', async () => {
      started = true;
      return 'next';
    });
    await new Promise(resolve => setImmediate(resolve));
    expect(started).toBe(false);
    finish();
    await expect(next).resolves.toBe('next');
    expect(limiter.active).toBe(0);
  });

  it('counts the time waiting for a slot in the budget, and a queued request never starts after it', async () => {
    const limiter = new Limiter({ concurrency: 1, timeoutMs: 30 });
    const starts: string[] = [];
    // Winds down 20 ms after its abort: the queued call's budget ends meanwhile.
    const hold = (name: string) => (signal: AbortSignal) =>
      new Promise<void>(resolve => {
        starts.push(name);
        signal.addEventListener('abort', () => setTimeout(resolve, 20));
      });
    const first = limiter.run('gcs', hold('first'));
    const queued = limiter.run('gcs', hold('queued'));
    await expect(queued).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await expect(queued).rejects.toThrow(
      'gcs: no answer within 0 s (waited for one of 1 slots)',
    );
    await expect(first).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await until(() => limiter.active === 0);
    expect(starts).toEqual(['first']);
    expect(limiter.waiting).toBe(0);
  });

  it('gates every request of one call within the call’s budget', async () => {
    const limiter = new Limiter({ concurrency: 2, timeoutMs: 1000 });
    let active = 0;
    let peak = 0;
    const result = await limiter.call('gcs', ({ gate }) =>
      Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          gate(`read ${i}`, async () => {
            active += 1;
            peak = Math.max(peak, active);
            await new Promise(resolve => setTimeout(resolve, 2));
            active -= 1;
            return i;
          }),
        ),
      ),
    );
    expect(result).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('refuses at once when too many requests wait', async () => {
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

  it('holds the bound at a hanging server: six calls, limit 2, never more than 2 open requests, timed-out ones closed', async () => {
    const server = await hangingServer();
    try {
      // A budget long enough for two requests to reach the server on a
      // loaded machine (with 150 ms, under load none sometimes did).
      const limiter = new Limiter({ concurrency: 2, timeoutMs: 2000 });
      const calls = Array.from({ length: 6 }, () =>
        limiter.run('upstream', signal => fetch(server.url, { signal })),
      );
      const results = await Promise.allSettled(calls);
      // Each budget counts from the call: the queued ones time out too.
      for (const result of results) {
        expect(result).toMatchObject({
          status: 'rejected',
          reason: expect.any(UpstreamTimeoutError),
        });
      }
      await until(() => limiter.active === 0 && server.open() === 0);
      expect(server.peak()).toBeLessThanOrEqual(2);
      expect(server.requests()).toBeGreaterThanOrEqual(2);
      // Every request that reached the server was closed there.
      expect(server.closed()).toBe(server.requests());
    } finally {
      await server.close();
    }
  });
});
