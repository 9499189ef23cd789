import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

interface Role {
  id: string;
  name: string;
}

/**
 * An in-memory Keycloak admin API for groups, clients, client roles and
 * group client-role mappings of one realm, at the HTTP boundary. It records
 * every request; `failNext` makes the next matching request answer an error.
 */
export async function startMemoryKeycloak(realm: string) {
  const groups: { id: string; name: string; path: string }[] = [];
  const clients: { id: string; clientId: string; roles: Role[] }[] = [];
  const mappings = new Map<string, Role[]>();
  const requests: { method: string; path: string }[] = [];
  let failure: { match: RegExp; status: number } | undefined;
  let baseUrl = '';

  const handle = (
    method: string,
    url: URL,
    body: any,
  ): { status: number; body?: unknown; location?: string } => {
    if (url.pathname === '/realms/master/protocol/openid-connect/token') {
      return {
        status: 200,
        body: {
          access_token: 'memory-token',
          expires_in: 300,
          token_type: 'Bearer',
        },
      };
    }
    const prefix = `/admin/realms/${realm}`;
    if (!url.pathname.startsWith(`${prefix}/`)) {
      return { status: 404, body: { error: 'Realm not found.' } };
    }
    const path = url.pathname.slice(prefix.length).replace(/\/+$/, '');
    if (path === '/groups' && method === 'GET') {
      const search = url.searchParams.get('search');
      return {
        status: 200,
        body: groups.filter(g => !search || g.name === search),
      };
    }
    if (path === '/groups' && method === 'POST') {
      if (groups.some(g => g.name === body.name)) {
        return {
          status: 409,
          body: { errorMessage: 'Top level group named already exists.' },
        };
      }
      const id = randomUUID();
      groups.push({ id, name: body.name, path: `/${body.name}` });
      return { status: 201, location: `${baseUrl}${prefix}/groups/${id}` };
    }
    if (path === '/clients' && method === 'GET') {
      const clientId = url.searchParams.get('clientId');
      return {
        status: 200,
        body: clients
          .filter(c => c.clientId === clientId)
          .map(({ roles: _r, ...c }) => c),
      };
    }
    const role = /^\/clients\/([^/]+)\/roles(?:\/([^/]+))?$/.exec(path);
    if (role) {
      const client = clients.find(c => c.id === role[1]);
      if (!client)
        return { status: 404, body: { error: 'Could not find client' } };
      if (method === 'GET' && role[2]) {
        const found = client.roles.find(
          r => r.name === decodeURIComponent(role[2]),
        );
        return found
          ? { status: 200, body: found }
          : { status: 404, body: { error: 'Could not find role' } };
      }
      if (method === 'POST') {
        client.roles.push({ id: randomUUID(), name: body.name });
        return {
          status: 201,
          location: `${baseUrl}${url.pathname}/${body.name}`,
        };
      }
    }
    const mapping = /^\/groups\/([^/]+)\/role-mappings\/clients\/([^/]+)$/.exec(
      path,
    );
    if (mapping) {
      const key = `${mapping[1]}/${mapping[2]}`;
      if (!groups.some(g => g.id === mapping[1])) {
        return { status: 404, body: { error: 'Could not find group by id' } };
      }
      if (method === 'GET')
        return { status: 200, body: mappings.get(key) ?? [] };
      if (method === 'POST') {
        const list = mappings.get(key) ?? [];
        for (const r of body as Role[]) {
          if (!list.some(l => l.id === r.id)) list.push(r);
        }
        mappings.set(key, list);
        return { status: 204 };
      }
    }
    return { status: 404, body: { error: `no route ${method} ${path}` } };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const path = url.pathname.replace(/\/+$/, '');
      requests.push({ method, path });
      let reply: { status: number; body?: unknown; location?: string };
      if (failure && failure.match.test(`${method} ${path}`)) {
        reply = { status: failure.status, body: { error: 'injected failure' } };
        failure = undefined;
      } else {
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        reply = handle(method, url, body);
      }
      res.writeHead(reply.status, {
        'Content-Type': 'application/json',
        ...(reply.location ? { Location: reply.location } : {}),
      });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    /** Requests that change something (the login excluded). */
    mutations: () =>
      requests.filter(
        r => r.method !== 'GET' && !r.path.endsWith('/openid-connect/token'),
      ),
    addClient: (clientId: string, roles: string[] = []) => {
      const id = randomUUID();
      clients.push({
        id,
        clientId,
        roles: roles.map(name => ({ id: randomUUID(), name })),
      });
      return id;
    },
    groupNames: () => groups.map(g => g.name),
    /** Client roles mapped to a group, as `clientId/role`. */
    mappedRoles: (group: string) => {
      const g = groups.find(x => x.name === group);
      return clients.flatMap(c =>
        (mappings.get(`${g?.id}/${c.id}`) ?? []).map(
          r => `${c.clientId}/${r.name}`,
        ),
      );
    },
    clientRoles: (clientId: string) =>
      clients.find(c => c.clientId === clientId)?.roles.map(r => r.name) ?? [],
    /** The next request matching `METHOD path` answers `status`. */
    failNext: (match: RegExp, status: number) => {
      failure = { match, status };
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** app-config naming the in-memory Keycloak as the admin of cluster `dev`. */
export const memoryKeycloakConfig = (url: string) => ({
  coderPlatform: {
    clusters: [
      {
        name: 'dev',
        title: 'Dev',
        keycloak: {
          baseUrl: url,
          admin: { username: 'admin', password: 'admin-pw' },
        },
      },
    ],
  },
});
