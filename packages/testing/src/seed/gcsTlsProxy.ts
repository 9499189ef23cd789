import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * restic's `gs:` backend (restic 0.14, Debian) always talks to
 * https://storage.googleapis.com and has no endpoint option, and the Google
 * API library it uses ignores STORAGE_EMULATOR_HOST. So that tests still run
 * the real restic binary and its real GCS backend against the GCS emulator,
 * this is an HTTPS proxy on 127.0.0.1: restic connects through it
 * (`HTTPS_PROXY`), the proxy terminates TLS for storage.googleapis.com with a
 * throw-away CA that restic is told to trust (`--cacert`), and forwards the
 * plain requests to fake-gcs-server. Only the network path is redirected.
 */
export interface GcsTlsProxy {
  /** Environment for restic: HTTPS_PROXY plus a dummy Google access token. */
  env: Record<string, string>;
  /** The CA certificate file to pass as `restic --cacert`. */
  caFile: string;
  /** Requests forwarded, for asserting upstream call counts. */
  requests: { method: string; path: string }[];
  stop(): Promise<void>;
}

export async function startGcsTlsProxy(options: {
  gcsUrl: string;
}): Promise<GcsTlsProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'gcs-tls-proxy-'));
  const file = (name: string) => join(dir, name);
  await writeFile(
    file('leaf.ext'),
    'subjectAltName=DNS:storage.googleapis.com,DNS:www.googleapis.com,DNS:oauth2.googleapis.com\n',
  );
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=coder-platform test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=storage.googleapis.com',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'leaf.ext',
    '-out',
    'leaf.pem',
  );
  const key = await readFile(file('leaf.key'));
  const cert = await readFile(file('leaf.pem'));

  const target = new URL(options.gcsUrl);
  const requests: { method: string; path: string }[] = [];
  // Decrypted requests from restic are replayed against the emulator.
  const inner = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        // A path in gcsUrl (e.g. a fault proxy's caller segment) is kept.
        path: target.pathname.replace(/\/+$/, '') + (req.url ?? '/'),
        headers: { ...req.headers, host: target.host },
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', error => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  const proxy: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end('CONNECT only');
  });
  proxy.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const tls = new TLSSocket(socket, {
      isServer: true,
      key,
      cert,
      ALPNProtocols: ['http/1.1'],
    });
    tls.on('error', () => socket.destroy());
    inner.emit('connection', tls);
  });
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    env: {
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
      GOOGLE_ACCESS_TOKEN: 'emulator-needs-no-token',
      GOOGLE_PROJECT_ID: 'test',
    },
    caFile: file('ca.pem'),
    requests,
    stop: async () => {
      await new Promise<void>(resolve => proxy.close(() => resolve()));
      inner.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
