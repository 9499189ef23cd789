import { ConfigReader } from '@backstage/config';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import yaml from 'yaml';
import { createHttpWaitAction } from './httpWait';
import { examples } from './httpWait.examples';
import { mockContext } from './__testUtils__/context';

describe('http:wait examples', () => {
  const action = createHttpWaitAction({ config: new ConfigReader({}) });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run as written, and for real against a local server',
    async (_description, example) => {
      const { input } = yaml.parse(example).steps[0];
      const planned = mockContext(input, { isDryRun: true });
      await action.handler(planned);
      expect(Object.fromEntries(planned.output.mock.calls)).toEqual({
        attempts: 0,
      });

      // The same request against a local server that is ready on the 2nd try.
      const seen: { method?: string; url?: string }[] = [];
      const server = createServer((req, res) => {
        seen.push({ method: req.method, url: req.url });
        res.writeHead(seen.length === 1 ? 503 : input.expectedStatus[0]);
        res.end();
      });
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      try {
        const asWritten = new URL(input.url);
        const local = `http://127.0.0.1:${
          (server.address() as AddressInfo).port
        }${asWritten.pathname}`;
        const ctx = mockContext({ ...input, url: local, intervalSeconds: 0 });
        await action.handler(ctx);
        expect(Object.fromEntries(ctx.output.mock.calls)).toEqual({
          status: input.expectedStatus[0],
          attempts: 2,
        });
        expect(seen).toEqual([
          { method: input.method ?? 'GET', url: asWritten.pathname },
          { method: input.method ?? 'GET', url: asWritten.pathname },
        ]);
      } finally {
        server.closeAllConnections();
        await new Promise<void>(r => server.close(() => r()));
      }
    },
  );
});
