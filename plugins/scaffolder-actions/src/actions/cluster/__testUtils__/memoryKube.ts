import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A stored object of {@link startMemoryKube}. */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A request with its JSON body, as the API server received it. */
export interface MemoryKubeRequest {
  method: string;
  path: string;
  body?: any;
}

const RESOURCES: Record<string, { kind: string; namespaced: boolean }> = {
  namespaces: { kind: 'Namespace', namespaced: false },
  secrets: { kind: 'Secret', namespaced: true },
  configmaps: { kind: 'ConfigMap', namespaced: true },
};

const status = (code: number, reason: string, message: string) => ({
  status: code,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason,
    message,
    code,
  },
});

/**
 * An in-memory core/v1 API server at the HTTP boundary (Namespaces, Secrets,
 * ConfigMaps): discovery, get, list with `k=v` label selectors, server-side
 * apply (data and labels merged, resourceVersion bumped only on change) and
 * delete. Namespaces are removed after `namespaceTerminatingReads` reads in
 * Terminating (as the namespace controller would), or never when `stuck`.
 * Other API groups answer 404, like a CRD that is not installed.
 */
export async function startMemoryKube(
  options: { namespaceTerminatingReads?: number; stuck?: boolean } = {},
) {
  const objects = new Map<string, StoredObject>();
  const terminatingReads = new Map<string, number>();
  const requests: MemoryKubeRequest[] = [];
  let failure: { match: RegExp; status: number } | undefined;
  let version = 1;
  const key = (plural: string, ns: string | undefined, name: string) =>
    `${plural}/${ns ?? ''}/${name}`;

  const handle = (
    method: string,
    url: URL,
    body: any,
  ): { status: number; body: unknown } => {
    if (url.pathname === '/api/v1') {
      return {
        status: 200,
        body: {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: Object.entries(RESOURCES).map(([name, r]) => ({
            name,
            kind: r.kind,
            namespaced: r.namespaced,
            verbs: ['get', 'list', 'patch', 'delete'],
          })),
        },
      };
    }
    const parts = url.pathname.split('/').slice(3);
    if (!url.pathname.startsWith('/api/v1/') || parts.length > 4) {
      return status(
        404,
        'NotFound',
        `the server could not find ${url.pathname}`,
      );
    }
    let ns: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (parts[0] === 'namespaces' && parts.length <= 2) {
      plural = 'namespaces';
      name = parts[1];
    } else if (parts[0] === 'namespaces') {
      [, ns, plural, name] = parts;
    } else {
      plural = parts[0];
    }
    const resource = RESOURCES[plural];
    if (!resource) return status(404, 'NotFound', `no resource ${plural}`);
    if (!name && method === 'GET') {
      const selector = url.searchParams.get('labelSelector') ?? '';
      const wanted = selector
        .split(',')
        .filter(Boolean)
        .map(s => s.split('='));
      const items = [...objects.entries()]
        .filter(([k]) => k.startsWith(ns ? `${plural}/${ns}/` : `${plural}/`))
        .map(([, o]) => o)
        .filter(o => wanted.every(([k, v]) => o.metadata.labels?.[k] === v))
        .map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
      return {
        status: 200,
        body: { kind: `${resource.kind}List`, apiVersion: 'v1', items },
      };
    }
    const k = key(plural, resource.namespaced ? ns : undefined, name!);
    const current = objects.get(k);
    if (method === 'GET') {
      if (!current)
        return status(404, 'NotFound', `${plural} "${name}" not found`);
      if (current.metadata.deletionTimestamp && !options.stuck) {
        const left = (terminatingReads.get(k) ?? 0) - 1;
        terminatingReads.set(k, left);
        if (left < 0) {
          objects.delete(k);
          return status(404, 'NotFound', `${plural} "${name}" not found`);
        }
      }
      return { status: 200, body: current };
    }
    if (method === 'PATCH') {
      if (
        resource.namespaced &&
        !objects.has(key('namespaces', undefined, ns!))
      ) {
        return status(404, 'NotFound', `namespaces "${ns}" not found`);
      }
      const next: StoredObject = {
        ...(current ?? {}),
        ...body,
        metadata: {
          ...(current?.metadata ?? {}),
          ...body.metadata,
          labels: { ...current?.metadata.labels, ...body.metadata?.labels },
        },
      };
      const { resourceVersion: _rv, ...before } = current?.metadata ?? {};
      const { resourceVersion: _rv2, ...after } = next.metadata;
      const same =
        current &&
        JSON.stringify({ ...current, metadata: before }) ===
          JSON.stringify({ ...next, metadata: after });
      next.metadata.resourceVersion = same
        ? current!.metadata.resourceVersion
        : String(++version);
      objects.set(k, next);
      return { status: current ? 200 : 201, body: next };
    }
    if (method === 'DELETE') {
      if (!current)
        return status(404, 'NotFound', `${plural} "${name}" not found`);
      if (plural === 'namespaces') {
        if (current.metadata.deletionTimestamp) {
          return status(
            409,
            'Conflict',
            'The system is ensuring all content is removed from this namespace.',
          );
        }
        current.metadata.deletionTimestamp = new Date(0).toISOString();
        terminatingReads.set(k, options.namespaceTerminatingReads ?? 0);
        for (const other of [...objects.keys()]) {
          if (other.split('/')[1] === name) objects.delete(other);
        }
        return { status: 200, body: current };
      }
      objects.delete(k);
      return { status: 200, body: { kind: 'Status', status: 'Success' } };
    }
    return status(405, 'MethodNotAllowed', method);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        body,
      });
      let reply = handle.bind(null, req.method ?? 'GET', url, body);
      if (failure?.match.test(`${req.method} ${url.pathname}`)) {
        const { status: code } = failure;
        failure = undefined;
        reply = () => status(code, 'Forbidden', 'injected failure');
      }
      const answer = reply();
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const put = (obj: StoredObject) => {
    const plural = Object.keys(RESOURCES).find(
      p => RESOURCES[p].kind === obj.kind,
    )!;
    objects.set(key(plural, obj.metadata.namespace, obj.metadata.name), {
      ...obj,
      metadata: { resourceVersion: String(++version), ...obj.metadata },
    });
  };
  return {
    url,
    requests,
    /** Requests that change something. */
    mutations: () => requests.filter(r => r.method !== 'GET'),
    /** The next request matching `METHOD path` answers `status` (a Status body). */
    failNext: (match: RegExp, code: number) => {
      failure = { match, status: code };
    },
    /** Stores an object as if it existed before the test. */
    put,
    /** A Namespace, optionally labelled, stored directly. */
    namespace: (name: string, labels?: Record<string, string>) =>
      put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }),
    /** A Secret with the given text values (stored base64-encoded). */
    secret: (
      ns: string,
      name: string,
      data: Record<string, string>,
      labels?: Record<string, string>,
    ) =>
      put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: ns, labels },
        data: Object.fromEntries(
          Object.entries(data).map(([k, v]) => [
            k,
            Buffer.from(v).toString('base64'),
          ]),
        ),
      }),
    get: (kind: string, ns: string | undefined, name: string) => {
      const plural = Object.keys(RESOURCES).find(
        p => RESOURCES[p].kind === kind,
      )!;
      return objects.get(key(plural, ns, name));
    },
    /** The text values of a stored Secret. */
    secretValues: (ns: string, name: string) => {
      const s = objects.get(key('secrets', ns, name)) as
        | { data?: Record<string, string> }
        | undefined;
      return s?.data
        ? Object.fromEntries(
            Object.entries(s.data).map(([k, v]) => [
              k,
              Buffer.from(v, 'base64').toString('utf8'),
            ]),
          )
        : undefined;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** app-config naming the in-memory server as cluster `dev` (plain http). */
export const memoryKubeConfig = (
  url: string,
  extra: Record<string, unknown> = {},
) => ({
  coderPlatform: {
    clusters: [
      {
        name: 'dev',
        title: 'Dev',
        kubernetes: {
          url,
          skipTLSVerify: true,
          auth: { type: 'token', token: 'memory-token' },
        },
      },
    ],
    ...extra,
  },
});
