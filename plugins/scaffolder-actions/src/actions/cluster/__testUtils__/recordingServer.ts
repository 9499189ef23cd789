import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request seen by {@link startRecordingServer}. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The Authorization header, to prove which credential went where. */
  authorization?: string;
  /** The request body as text. */
  body?: string;
}

/**
 * A local HTTP server that records requests and answers each with the
 * handler's reply (default: 404 with a Kubernetes Status body). Used by the
 * dry-run tests to prove an action only reads.
 */
export async function startRecordingServer(
  handler?: (
    req: IncomingMessage,
  ) => { status: number; body: unknown } | undefined,
) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      ...(req.headers.authorization
        ? { authorization: req.headers.authorization }
        : {}),
    };
    requests.push(recorded);
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      if (chunks.length) recorded.body = Buffer.concat(chunks).toString();
      const reply = handler?.(req) ?? {
        status: 404,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'not found',
          reason: 'NotFound',
          code: 404,
        },
      };
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    writes: () => requests.filter(r => r.method !== 'GET'),
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
