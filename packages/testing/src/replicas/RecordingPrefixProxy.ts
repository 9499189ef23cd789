import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/** One request that passed through the proxy. */
export interface ProxiedRequest {
  /** First path segment, naming the caller (e.g. the replica). */
  caller: string;
  method: string;
  /** Path without the caller segment. */
  path: string;
  at: number;
}

/**
 * An HTTP proxy that tells callers apart by a first path segment
 * (`/<caller>/api/v2/...` → `/api/v2/...` upstream), records every request
 * and can hold requests matching a pattern until released, to stop an
 * upstream "mid-request" without touching the upstream itself.
 */
export class RecordingPrefixProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Requests received and not yet answered (or closed), right now. */
  inFlight = 0;
  /** The most requests in flight at once since start or {@link resetPeak}. */
  peakInFlight = 0;
  readonly #server: Server;
  readonly #target: URL;
  #hold?: RegExp;
  #held: Array<() => void> = [];
  #waiters: Array<{
    match: (r: ProxiedRequest) => boolean;
    resolve: (r: ProxiedRequest) => void;
  }> = [];

  private constructor(server: Server, target: string) {
    this.#server = server;
    this.#target = new URL(target);
  }

  static async start(target: string): Promise<RecordingPrefixProxy> {
    const holder: { proxy?: RecordingPrefixProxy } = {};
    const server = createServer((req, res) => holder.proxy!.#handle(req, res));
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    holder.proxy = new RecordingPrefixProxy(server, target);
    return holder.proxy;
  }

  /** The base URL a caller uses, e.g. `http://127.0.0.1:4000/replica-a`. */
  urlFor(caller: string): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/${caller}`;
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
      const upstream = httpRequest(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: record.path,
          headers: { ...req.headers, host: this.#target.host },
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
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
      if (this.#hold?.test(record.path)) this.#held.push(forward);
      else forward();
    });
  }
}
