import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import {
  createServer as createHttpsServer,
  request as httpsRequest,
} from 'node:https';
import { AddressInfo, Socket } from 'node:net';

/** One request that passed through the proxy. */
export interface ProxiedRequest {
  /** First path segment, naming the caller (e.g. the replica). */
  caller: string;
  method: string;
  /** Path without the caller segment. */
  path: string;
  at: number;
  /** The fault applied to it, when one matched. */
  fault?: ProxyFault['kind'];
}

/**
 * What the proxy does instead of a plain pass-through, for requests matching
 * a fault's pattern (see {@link RecordingPrefixProxy.fault}):
 * - `hang`: accept the request and never answer (the connection stays open
 *   until the caller gives up or the proxy stops), as a stuck upstream does;
 * - `cut`: forward it, send the upstream's status line, headers and part of
 *   the body, then destroy the connection (stopped mid-response);
 * - `refuse`: destroy the connection before any answer (a crashed upstream);
 * - `status`: answer `status` (e.g. 503) with `body`, never reaching the upstream.
 */
export type ProxyFault =
  | { kind: 'hang' }
  | { kind: 'cut' }
  | { kind: 'refuse' }
  | { kind: 'status'; status: number; body?: string };

/** Options of {@link RecordingPrefixProxy.start}. */
export interface RecordingPrefixProxyOptions {
  /** CA certificate(s) to trust for an `https:` target (e.g. the local API server's). */
  ca?: string | Buffer;
  /**
   * Serve HTTPS with this key and certificate instead of plain HTTP (for
   * clients that refuse `http:`, such as the Kubernetes client with a CA).
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/**
 * An HTTP proxy that tells callers apart by a first path segment
 * (`/<caller>/api/v2/...` → `/api/v2/...` upstream), records every request
 * and can hold requests matching a pattern until released, to stop an
 * upstream "mid-request" without touching the upstream itself. It is also the
 * suite's fault injector ({@link RecordingPrefixProxy.fault}): per path
 * pattern it hangs, cuts the connection mid-response, drops it, or answers
 * an HTTP status, in front of a real (`http:` or `https:`) server.
 */
export class RecordingPrefixProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Requests received and not yet answered (or closed), right now. */
  inFlight = 0;
  /** The most requests in flight at once since start or {@link resetPeak}. */
  peakInFlight = 0;
  readonly #server: Server;
  readonly #target: URL;
  readonly #ca?: string | Buffer;
  readonly #scheme: 'http' | 'https';
  #hold?: RegExp;
  #faults: Array<{ pattern: RegExp; method?: string; fault: ProxyFault }> = [];
  readonly #hung = new Set<ServerResponse>();
  #held: Array<() => void> = [];
  #waiters: Array<{
    match: (r: ProxiedRequest) => boolean;
    resolve: (r: ProxiedRequest) => void;
  }> = [];

  private constructor(
    server: Server,
    target: string,
    options: RecordingPrefixProxyOptions,
  ) {
    this.#server = server;
    this.#target = new URL(target);
    this.#ca = options.ca;
    this.#scheme = options.tls ? 'https' : 'http';
  }

  /** Starts a proxy in front of `target` (`http:` or `https:`). */
  static async start(
    target: string,
    options: RecordingPrefixProxyOptions = {},
  ): Promise<RecordingPrefixProxy> {
    const holder: { proxy?: RecordingPrefixProxy } = {};
    const handle = (req: IncomingMessage, res: ServerResponse) =>
      holder.proxy!.#handle(req, res);
    const server: Server = options.tls
      ? createHttpsServer(options.tls, handle)
      : createServer(handle);
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    holder.proxy = new RecordingPrefixProxy(server, target, options);
    return holder.proxy;
  }

  /**
   * From now on, requests whose path (without the caller segment) matches
   * `pattern` (and whose method is `method`, when given) meet `fault`
   * instead of the upstream. A later fault for the same pattern replaces it;
   * the first matching fault wins.
   */
  fault(
    pattern: RegExp,
    fault: ProxyFault | ProxyFault['kind'] | number,
    method?: string,
  ): void {
    let value: ProxyFault;
    if (typeof fault === 'number') value = { kind: 'status', status: fault };
    else if (typeof fault === 'string') {
      if (fault === 'status')
        throw new Error('a status fault needs its status code');
      value = { kind: fault };
    } else value = fault;
    this.#faults = this.#faults.filter(
      f => !(String(f.pattern) === String(pattern) && f.method === method),
    );
    this.#faults.push({ pattern, method, fault: value });
  }

  /**
   * Removes every fault: the upstream is back. Hung requests are closed
   * (as a restarted upstream drops its connections).
   */
  clearFaults(): void {
    this.#faults = [];
    for (const res of this.#hung) res.socket?.destroy();
    this.#hung.clear();
  }

  /** Requests that met a fault, by kind. */
  faulted(kind?: ProxyFault['kind']): ProxiedRequest[] {
    return this.requests.filter(r =>
      kind ? r.fault === kind : r.fault !== undefined,
    );
  }

  /** The base URL a caller uses, e.g. `http://127.0.0.1:4000/replica-a`. */
  urlFor(caller: string): string {
    const { port } = this.#server.address() as AddressInfo;
    return `${this.#scheme}://127.0.0.1:${port}/${caller}`;
  }

  /** Requests whose path matches are held (no answer) until {@link release}. */
  hold(pattern: RegExp): void {
    this.#hold = pattern;
  }

  /** Starts a new measurement of {@link peakInFlight}. */
  resetPeak(): void {
    this.peakInFlight = this.inFlight;
  }

  /** Answers every held request and stops holding. */
  release(): void {
    this.#hold = undefined;
    const held = this.#held;
    this.#held = [];
    held.forEach(forward => forward());
  }

  /** Resolves with the next request (from now on) that matches. */
  next(match: (r: ProxiedRequest) => boolean): Promise<ProxiedRequest> {
    return new Promise(resolve => this.#waiters.push({ match, resolve }));
  }

  async stop(): Promise<void> {
    this.clearFaults();
    this.release();
    this.#server.closeAllConnections();
    await new Promise<void>(done => this.#server.close(() => done()));
  }

  #handle(req: IncomingMessage, res: ServerResponse) {
    const match = /^\/([^/]+)(\/.*)?$/.exec(req.url ?? '/');
    const record: ProxiedRequest = {
      caller: match?.[1] ?? '',
      method: req.method ?? 'GET',
      path: match?.[2] ?? '/',
      at: Date.now(),
    };
    const fault = this.#faults.find(
      f =>
        f.pattern.test(record.path) &&
        (!f.method || f.method === record.method),
    )?.fault;
    if (fault) record.fault = fault.kind;
    this.requests.push(record);
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        this.inFlight -= 1;
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    this.#waiters = this.#waiters.filter(w => {
      if (!w.match(record)) return true;
      w.resolve(record);
      return false;
    });
    const chunks: Buffer[] = [];
    const forward = () => {
      const https = this.#target.protocol === 'https:';
      const base = this.#target.pathname.replace(/\/+$/, '');
      const upstream = (https ? httpsRequest : httpRequest)(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: base + record.path,
          headers: { ...req.headers, host: this.#target.host },
          ...(https && this.#ca ? { ca: this.#ca } : {}),
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (fault?.kind !== 'cut') {
            answer.pipe(res);
            return;
          }
          // Stopped mid-response: headers and at most half of the first chunk.
          res.flushHeaders();
          const cut = () => {
            answer.destroy();
            (res.socket as Socket | null)?.destroy();
          };
          answer.once('data', (chunk: Buffer) => {
            const part = chunk.subarray(0, Math.floor(chunk.length / 2));
            if (part.length) res.write(part, cut);
            else cut();
          });
          answer.once('end', cut);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(Buffer.concat(chunks));
    };
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      if (fault?.kind === 'hang') {
        this.#hung.add(res);
        res.once('close', () => this.#hung.delete(res));
      } else if (fault?.kind === 'refuse') {
        req.socket.destroy();
      } else if (fault?.kind === 'status') {
        const body =
          fault.body ?? `injected HTTP ${fault.status} (fault proxy)`;
        res.writeHead(fault.status, {
          'content-type': 'text/plain',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      } else if (this.#hold?.test(record.path)) this.#held.push(forward);
      else forward();
    });
  }
}
