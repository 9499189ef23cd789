import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { GcpContractServer } from '../../gcp';

/**
 * One Cloud Storage endpoint for a backend under test that runs buckets on
 * the GCS emulator peer (fake-gcs-server, which has no IAM) and bucket IAM
 * policies on the GCP contract server: `/storage/v1/b/<name>/iam` goes to
 * the contract server, everything else to the emulator. Bucket calls to the
 * emulator are counted in the contract server's call log
 * (`storage.buckets.insert`, `storage.buckets.patch`, ...), so one log holds
 * every mutation a task made.
 */
export class StorageSplitProxy {
  private readonly server = http.createServer((req, res) =>
    this.forward(req, res),
  );

  constructor(
    private readonly gcp: GcpContractServer,
    private readonly emulatorUrl: string,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>(done =>
      this.server.listen(0, '127.0.0.1', () => done()),
    );
    return this;
  }

  /** The `coderPlatform.gcp.endpoints.storage` block for this proxy. */
  endpoint() {
    const { port } = this.server.address() as AddressInfo;
    return { apiEndpoint: '127.0.0.1', port, plaintext: true };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(done => this.server.close(() => done()));
  }

  private forward(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const toContract = /^\/storage\/v1\/b\/[^/]+\/iam(\/|$)/.test(url.pathname);
    if (!toContract) {
      const rpc = emulatorRpc(req.method ?? 'GET', url.pathname);
      if (rpc) this.gcp.calls.enter(rpc);
    }
    const target = toContract
      ? new URL(`https://127.0.0.1:${this.gcp.storageIamEndpoint().port}`)
      : new URL(this.emulatorUrl);
    const options = {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      ...(toContract ? { ca: this.gcp.rest.certificate } : {}),
    };
    const upstream = (toContract ? https : http).request(options, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', error => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 502, message: error.message } }));
    });
    req.pipe(upstream);
  }
}

/** The JSON API method of a bucket request (objects are not counted). */
function emulatorRpc(method: string, path: string): string | undefined {
  if (/^\/storage\/v1\/b\/?$/.test(path))
    return method === 'POST'
      ? 'storage.buckets.insert'
      : 'storage.buckets.list';
  if (/^\/storage\/v1\/b\/[^/]+\/?$/.test(path)) {
    const verb = {
      GET: 'get',
      PATCH: 'patch',
      PUT: 'update',
      DELETE: 'delete',
    }[method];
    return verb ? `storage.buckets.${verb}` : undefined;
  }
  return undefined;
}
