// The kube peer's objects are read with the official client.
import {
  KubeConfig,
  NetworkingV1Api,
  V1Ingress,
} from '@kubernetes/client-node';
import {
  createServer,
  IncomingHttpHeaders,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AddressInfo } from 'node:net';
import { requirePeer } from '../peers/peersEnv';

/** One request the router received. */
export interface IngressRequest {
  /** The `Host` header, without a port. */
  host: string;
  method: string;
  /** The path without the query (a query may carry codes or tokens). */
  path: string;
  /**
   * The status answered: the upstream's, 404 (no Ingress for the host), 503
   * (no upstream registered for its Service) or 502 (upstream unreachable);
   * undefined while the upstream has not answered yet.
   */
  status?: number;
  /** `<namespace>/<service>` of the matching Ingress backend, when one matched. */
  service?: string;
  /** The caller's connection closed before the answer reached it. */
  callerGone?: boolean;
  at: number;
}

/** What a hook of {@link IngressRouter.onRequest} is told before forwarding. */
export type IngressHook = (
  request: Readonly<IngressRequest>,
) => void | Promise<void>;

/** Options of {@link IngressRouter.start}. */
export interface IngressRouterOptions {
  /** Kubeconfig of the cluster whose Ingresses route (default: the kube peer's). */
  kubeconfig?: string;
}

/** One backend of an Ingress rule. */
interface IngressBackend {
  service: string;
  path: string;
  pathType: string;
}

/** Hop-by-hop headers a proxy does not pass on (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
]);

/** Whether an Ingress rule host (`a.b.c` or `*.b.c`) matches `host`. */
export function ingressHostMatches(ruleHost: string, host: string): boolean {
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  // A wildcard covers exactly one DNS label, as the Ingress API defines.
  const suffix = ruleHost.slice(1);
  return (
    host.endsWith(suffix) &&
    host.length > suffix.length &&
    !host.slice(0, -suffix.length).includes('.')
  );
}

/** Whether an Ingress path (`pathType` Exact, Prefix, ImplementationSpecific) matches. */
function pathMatches(backend: IngressBackend, path: string): boolean {
  if (backend.pathType === 'Exact') return path === backend.path;
  const prefix = backend.path.replace(/\/+$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * Stands in for the DNS, the cloud load balancer and ingress-nginx of a new
 * cluster: an HTTP server on 127.0.0.1 that, per request, finds the Ingress
 * rule for the `Host` header in the cluster (the kube peer: Ingresses of all
 * namespaces, read with its admin credentials, cached and re-read on a miss),
 * takes its backend Service in the Ingress's namespace, and forwards to the
 * upstream URL registered for `<namespace>/<service>` with
 * {@link IngressRouter.route}. As ingress-nginx, it keeps the `Host` header
 * and adds `X-Forwarded-Proto: https` (TLS ends at the load balancer),
 * `X-Forwarded-Host`, `X-Forwarded-Port`, `X-Forwarded-For` and `X-Real-IP`;
 * a host without an Ingress gets 404 (the default backend), an Ingress
 * whose Service has no upstream 503.
 *
 * The request body is read completely before the {@link onRequest} hooks
 * run, and the request is then forwarded whatever happens to the caller: a
 * hook may SIGKILL the calling process and the request still reaches the
 * upstream and completes there (its answer is drained). Answers stream back.
 */
export class IngressRouter {
  readonly #server: Server;
  readonly #networking: NetworkingV1Api;
  readonly #upstreams = new Map<string, { url: URL; ca?: string | Buffer }>();
  readonly #requests: IngressRequest[] = [];
  readonly #hooks = new Set<IngressHook>();
  #rules?: Array<{
    host: string;
    namespace: string;
    backends: IngressBackend[];
  }>;
  #reading?: Promise<void>;

  constructor(options: IngressRouterOptions = {}) {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(
      options.kubeconfig ??
        requirePeer('kube', ['PEERS_KUBECONFIG']).PEERS_KUBECONFIG,
    );
    this.#networking = kubeConfig.makeApiClient(NetworkingV1Api);
    this.#server = createServer((req, res) => this.#handle(req, res));
    // Long answers (e.g. a slow upstream) are the upstream's business.
    this.#server.requestTimeout = 0;
  }

  /** Starts listening on 127.0.0.1 (a free port). */
  async start(): Promise<this> {
    await new Promise<void>(done => this.#server.listen(0, '127.0.0.1', done));
    return this;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The TCP port the router listens on. */
  get port(): number {
    const address = this.#server.address() as AddressInfo | null;
    if (!address) throw new Error('IngressRouter: start() it first');
    return address.port;
  }

  /**
   * Requests for an Ingress backend Service `<namespace>/<service>` go to
   * `upstream` (`http:` or `https:`, a path prefix is kept; `ca` to trust
   * for `https:`). A later call for the same Service replaces it.
   */
  route(
    service: string,
    upstream: string,
    options: { ca?: string | Buffer } = {},
  ): void {
    if (!/^[^/]+\/[^/]+$/.test(service))
      throw new Error(
        `IngressRouter.route: "${service}" is not <namespace>/<service>`,
      );
    this.#upstreams.set(service, { url: new URL(upstream), ca: options.ca });
  }

  /** Every request received since start or {@link reset}, in order of arrival. */
  requests(): IngressRequest[] {
    return [...this.#requests];
  }

  /** Forgets the recorded requests and the cached Ingresses. */
  reset(): void {
    this.#requests.length = 0;
    this.#rules = undefined;
  }

  /**
   * Calls `hook` for every request routed to an upstream, after its body has
   * arrived and before it is forwarded (awaited). Returns a function that
   * removes the hook.
   */
  onRequest(hook: IngressHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>(done => this.#server.close(() => done()));
  }

  /** Reads the Ingresses of all namespaces (one read at a time). */
  async #readIngresses(): Promise<void> {
    this.#reading ??= (async () => {
      try {
        const list = await this.#networking.listIngressForAllNamespaces();
        this.#rules = list.items.flatMap((ingress: V1Ingress) =>
          (ingress.spec?.rules ?? [])
            .filter(rule => rule.host)
            .map(rule => ({
              host: rule.host!,
              namespace: ingress.metadata?.namespace ?? 'default',
              backends: (rule.http?.paths ?? [])
                .filter(p => p.backend.service?.name)
                .map(p => ({
                  service: p.backend.service!.name,
                  path: p.path ?? '/',
                  pathType: p.pathType ?? 'Prefix',
                })),
            })),
        );
      } finally {
        this.#reading = undefined;
      }
    })();
    return this.#reading;
  }

  /** The `<namespace>/<service>` for a host and path, from the cached rules. */
  #lookup(host: string, path: string): string | undefined {
    const rules = (this.#rules ?? []).filter(r =>
      ingressHostMatches(r.host, host),
    );
    // An exact host wins over a wildcard; then the longest matching path.
    rules.sort(
      (a, b) =>
        Number(a.host.startsWith('*.')) - Number(b.host.startsWith('*.')),
    );
    for (const rule of rules) {
      const backend = rule.backends
        .filter(b => pathMatches(b, path))
        .sort((a, b) => b.path.length - a.path.length)[0];
      if (backend) return `${rule.namespace}/${backend.service}`;
    }
    return undefined;
  }

  async #resolve(host: string, path: string): Promise<string | undefined> {
    if (this.#rules) {
      const cached = this.#lookup(host, path);
      if (cached) return cached;
    }
    await this.#readIngresses();
    return this.#lookup(host, path);
  }

  #handle(req: IncomingMessage, res: ServerResponse) {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const path = (req.url ?? '/').split('?')[0];
    const record: IngressRequest = {
      host,
      method: req.method ?? 'GET',
      path,
      at: Date.now(),
    };
    this.#requests.push(record);
    // The caller may die at any time (a hook may kill it): never let that
    // stop the forwarding, and never throw on writes to its closed socket.
    res.on('error', () => {});
    req.on('error', () => {});
    res.once('close', () => {
      if (!res.writableFinished) record.callerGone = true;
    });
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.once('end', () => {
      this.#route(req, res, record, Buffer.concat(chunks)).catch(error => {
        this.#answer(
          res,
          record,
          502,
          `ingress router: ${error?.message ?? error}\n`,
        );
      });
    });
  }

  #answer(
    res: ServerResponse,
    record: IngressRequest,
    status: number,
    body: string,
  ) {
    record.status = status;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  async #route(
    req: IncomingMessage,
    res: ServerResponse,
    record: IngressRequest,
    body: Buffer,
  ) {
    const service = await this.#resolve(record.host, record.path);
    if (!service) {
      this.#answer(
        res,
        record,
        404,
        `404 Not Found: no Ingress rule for host "${record.host}" (ingress router default backend)\n`,
      );
      return;
    }
    record.service = service;
    const upstream = this.#upstreams.get(service);
    if (!upstream) {
      this.#answer(
        res,
        record,
        503,
        `503 Service Temporarily Unavailable: Ingress for host "${record.host}" routes to Service ${service}, which has no upstream (IngressRouter.route("${service}", url))\n`,
      );
      return;
    }
    for (const hook of [...this.#hooks]) await hook(record);
    const headers = this.#forwardHeaders(req, record.host, body.length);
    const https = upstream.url.protocol === 'https:';
    const base = upstream.url.pathname.replace(/\/+$/, '');
    const forwarded = (https ? httpsRequest : httpRequest)(
      {
        host: upstream.url.hostname,
        port: upstream.url.port,
        method: req.method,
        path: base + (req.url ?? '/'),
        headers,
        ...(https && upstream.ca ? { ca: upstream.ca } : {}),
      },
      answer => {
        record.status = answer.statusCode ?? 502;
        if (res.destroyed) {
          // The caller is gone: the upstream still completes, drained here.
          answer.resume();
          return;
        }
        const answerHeaders: IncomingHttpHeaders = { ...answer.headers };
        for (const h of HOP_BY_HOP) delete answerHeaders[h];
        res.writeHead(record.status, answerHeaders);
        answer.on('data', chunk => {
          if (!res.destroyed) res.write(chunk);
        });
        answer.once('end', () => res.end());
        answer.once('error', () => res.destroy());
      },
    );
    forwarded.on('error', error =>
      this.#answer(
        res,
        record,
        502,
        `502 Bad Gateway: upstream of Service ${service} (${upstream.url.origin}) failed: ${error.message}\n`,
      ),
    );
    forwarded.end(body);
  }

  #forwardHeaders(req: IncomingMessage, host: string, length: number) {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && name !== 'transfer-encoding')
        headers[name] = value;
    }
    const client = req.socket.remoteAddress ?? '127.0.0.1';
    const prior = req.headers['x-forwarded-for'];
    // The body was read whole: its length replaces any chunked framing.
    const hasBody =
      req.headers['content-length'] !== undefined ||
      req.headers['transfer-encoding'] !== undefined;
    return {
      ...headers,
      ...(hasBody ? { 'content-length': String(length) } : {}),
      'x-forwarded-proto': 'https',
      'x-forwarded-host': host,
      'x-forwarded-port': '443',
      'x-forwarded-for': prior ? `${prior}, ${client}` : client,
      'x-real-ip': client,
    };
  }
}
