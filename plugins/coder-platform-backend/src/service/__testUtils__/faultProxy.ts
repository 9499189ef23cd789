import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  ServerResponse,
} from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'hang' | { status: number; body: string };

/**
 * An HTTP proxy in front of a real server (the GCS emulator) that counts the
 * requests it forwards and can be switched to hang (never answer) or to
 * answer an error, without touching the server behind it.
 */
export async function startFaultProxy(target: string) {
  const upstream = new URL(target);
  const requests: string[] = [];
  let mode: FaultMode = 'pass';
  let open = 0;
  let closedByClient = 0;
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    open += 1;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      open -= 1;
      if (!res.writableFinished) closedByClient += 1;
    };
    res.once('close', end);
    if (mode === 'hang') return;
    if (mode !== 'pass') {
      res.statusCode = mode.status;
      res.setHeader('content-type', 'application/json');
      res.end(mode.body);
      return;
    }
    const forward = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  };

  const server = createServer(handle);
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** GCS JSON-API requests forwarded or answered: listings and object reads. */
    counts: () => ({
      list: requests.filter(r => /\/o\?/.test(r)).length,
      read: requests.filter(r => /\/o\/[^?]+\?alt=media/.test(r)).length,
    }),
    open: () => open,
    closedByClient: () => closedByClient,
    set: (next: FaultMode) => {
      mode = next;
    },
    reset: () => {
      requests.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
