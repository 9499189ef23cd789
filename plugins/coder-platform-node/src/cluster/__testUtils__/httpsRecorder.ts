import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';

/** A self-signed certificate for 127.0.0.1 (openssl), as a GKE API server has its own CA. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-model-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An HTTPS server that records each request's path and Authorization header.
 * `objects` answers GETs by path (e.g. an Ingress or a Secret); anything else
 * gets an empty NamespaceList, or 404 for object paths.
 */
export async function startHttpsRecorder(
  objects: Record<string, unknown> = {},
) {
  const { key, cert } = selfSigned();
  const requests: Array<{ path: string; authorization?: string }> = [];
  const server = createServer({ key, cert }, (req, res) => {
    requests.push({
      path: req.url ?? '/',
      authorization: req.headers.authorization,
    });
    const path = (req.url ?? '/').split('?')[0];
    const found = objects[path];
    const isList = path === '/api/v1/namespaces';
    res.writeHead(found || isList ? 200 : 404, {
      'Content-Type': 'application/json',
    });
    res.end(
      JSON.stringify(
        found ??
          (isList
            ? {
                kind: 'NamespaceList',
                apiVersion: 'v1',
                metadata: {},
                items: [],
              }
            : {
                kind: 'Status',
                code: 404,
                reason: 'NotFound',
                message: 'not found',
              }),
      ),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    /** As GKE reports an endpoint: host (and here a port), no scheme. */
    endpoint: `127.0.0.1:${port}`,
    caData: Buffer.from(cert).toString('base64'),
    requests,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Google auth client holding a fixed access token (the GKE contract server accepts any). */
export function fixedTokenAuth(token = 'ya29.test-google-token'): OAuth2Client {
  const client = new OAuth2Client({
    transporterOptions: { fetchImplementation: globalThis.fetch as any },
  });
  client.setCredentials({
    access_token: token,
    expiry_date: Date.now() + 3_600_000,
  });
  return client;
}
