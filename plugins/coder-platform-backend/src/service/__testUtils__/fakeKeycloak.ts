import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface FakeUser {
  id: string;
  username: string;
  enabled: boolean;
  emailVerified: boolean;
}

/**
 * Keycloak's token, users, users/count and user-groups endpoints over a
 * small realm `dev`, with Keycloak's filter rules, for route tests. It
 * records every admin request and how many are open at once, and can be
 * made to hang (never answer) or to fail with a given status and body.
 */
export async function fakeKeycloak(users: FakeUser[]) {
  const requests: string[] = [];
  let open = 0;
  let peak = 0;
  let closed = 0;
  let mode: 'ok' | 'hang' | { status: number; body: string } = 'ok';
  const sockets = new Set<Socket>();

  const matching = (params: URLSearchParams) =>
    users.filter(u => {
      const search = params.get('search');
      if (search && search !== '*' && !u.username.includes(search)) {
        return false;
      }
      for (const key of ['enabled', 'emailVerified'] as const) {
        if (params.has(key) && String(u[key]) !== params.get(key)) {
          return false;
        }
      }
      return true;
    });

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/realms/dev/protocol/openid-connect/token') {
      res.end(JSON.stringify({ access_token: 'token-1', expires_in: 300 }));
      return;
    }
    requests.push(`${url.pathname}${url.search}`);
    // Open from arrival until answered, or until the client closes it.
    open += 1;
    peak = Math.max(peak, open);
    let ended = false;
    const end = (byClient: boolean) => {
      if (ended) return;
      ended = true;
      open -= 1;
      if (byClient) closed += 1;
    };
    res.once('finish', () => end(false));
    res.once('close', () => end(!res.writableFinished));
    if (mode === 'hang') return;
    if (mode !== 'ok') {
      res.statusCode = mode.status;
      res.end(mode.body);
      return;
    }
    const path = url.pathname.replace(/\/$/, '');
    if (path === '/admin/realms/dev/users/count') {
      res.end(String(matching(url.searchParams).length));
      return;
    }
    if (path === '/admin/realms/dev/users') {
      const first = Number(url.searchParams.get('first') ?? 0);
      const max = Number(url.searchParams.get('max') ?? 100);
      res.end(
        JSON.stringify(matching(url.searchParams).slice(first, first + max)),
      );
      return;
    }
    const groups = /^\/admin\/realms\/dev\/users\/([^/]+)\/groups$/.exec(path);
    if (groups) {
      if (!users.some(u => u.id === groups[1])) {
        res.statusCode = 404;
        res.end('{"error":"User not found"}');
        return;
      }
      res.end('[{"id":"g1","name":"developers","path":"/developers"}]');
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  };

  const server = createServer(answer);
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    open: () => open,
    peak: () => peak,
    closed: () => closed,
    hang: () => {
      mode = 'hang';
    },
    fail: (status: number, body: string) => {
      mode = { status, body };
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
