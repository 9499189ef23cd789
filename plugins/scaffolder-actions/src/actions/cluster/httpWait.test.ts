import { ConfigReader } from '@backstage/config';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { createHttpWaitAction } from './httpWait';
import { mockContext } from './__testUtils__/context';

/** A server answering `statuses` in turn (the last one repeats), recording each request's headers. */
async function startSequence(statuses: number[], hangMs = 0) {
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)];
    const reply = () => {
      res.writeHead(
        status,
        status === 302 ? { Location: 'http://elsewhere.invalid/' } : {},
      );
      res.end('body');
    };
    if (hangMs) setTimeout(reply, hangMs);
    else reply();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('http:wait', () => {
  const action = createHttpWaitAction({ config: new ConfigReader({}) });
  const run = async (
    input: Record<string, unknown>,
    extra: Parameters<typeof mockContext>[1] = {},
  ) => {
    const ctx = mockContext({ intervalSeconds: 0.01, ...input }, extra);
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  it.each([
    ['not a url', 'is not a URL'],
    ['ftp://example.com/x', 'url must be http or https'],
    [
      'https://admin:pw@keycloak.example.com/',
      'must not carry a user or password',
    ],
  ])('rejects url %s', async (url, message) => {
    await expect(run({ url })).rejects.toThrow(message);
  });

  it('polls until the expected status, sending no credentials', async () => {
    const server = await startSequence([503, 503, 200]);
    try {
      const { out, ctx } = await run({ url: `${server.url}/realms/master` });
      expect(out).toEqual({ status: 200, attempts: 3 });
      expect(server.seen).toHaveLength(3);
      for (const headers of server.seen) {
        expect(headers.authorization).toBeUndefined();
        expect(headers.cookie).toBeUndefined();
      }
      expect(ctx.logger.info).toHaveBeenCalledWith(
        expect.stringContaining('HTTP 503 (attempt 1/30)'),
      );
    } finally {
      await server.stop();
    }
  });

  it('does not follow a redirect, so a 302 can be the expected answer', async () => {
    const server = await startSequence([302]);
    try {
      const { out } = await run({
        url: server.url,
        method: 'HEAD',
        expectedStatus: [302],
      });
      expect(out).toEqual({ status: 302, attempts: 1 });
    } finally {
      await server.stop();
    }
  });

  it('gives up after the attempts, naming the last answer', async () => {
    const server = await startSequence([404]);
    try {
      await expect(
        run({ url: `${server.url}/realms/nope`, attempts: 3 }),
      ).rejects.toThrow(
        `http:wait: GET ${server.url}/realms/nope did not answer 200 after 3 attempts; last: HTTP 404`,
      );
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('counts a refused connection and a hung request as not ready', async () => {
    const closed = await startSequence([200]);
    await closed.stop();
    await expect(run({ url: closed.url, attempts: 2 })).rejects.toThrow(
      'after 2 attempts; last: ECONNREFUSED',
    );
    const server = await startSequence([200], 2_000);
    try {
      await expect(
        run({ url: server.url, attempts: 1, requestTimeoutSeconds: 0.1 }),
      ).rejects.toThrow('last: no answer within 0.1s');
    } finally {
      await server.stop();
    }
  });

  it('stops at once when the task is cancelled', async () => {
    const server = await startSequence([503]);
    const controller = new AbortController();
    try {
      const waiting = run(
        { url: server.url, attempts: 1000, intervalSeconds: 60 },
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(new Error('cancelled by user')), 50);
      await expect(waiting).rejects.toThrow('cancelled by user');
      expect(server.seen.length).toBeLessThan(3);
    } finally {
      await server.stop();
    }
  });

  it('dry run sends nothing', async () => {
    const server = await startSequence([200]);
    try {
      const { out, ctx } = await run({ url: server.url }, { isDryRun: true });
      expect(out).toEqual({ attempts: 0 });
      expect(server.seen).toEqual([]);
      expect(ctx.logger.info).toHaveBeenCalledWith(
        `dry run: would wait for GET ${server.url}/ to answer 200 (up to 30 attempts, 0.01s apart)`,
      );
    } finally {
      await server.stop();
    }
  });
});
