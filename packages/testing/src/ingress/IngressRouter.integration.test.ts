import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  V1Ingress,
} from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { requirePeer } from '../peers/peersEnv';
import { installIngressDispatcher } from './ingressDispatcher';
import { IngressRequest, IngressRouter } from './IngressRouter';

jest.setTimeout(60_000);

const kube = requirePeer('kube', ['PEERS_KUBECONFIG']);
const keycloak = requirePeer('keycloak', ['PEERS_KEYCLOAK_URL']);

const unique = randomBytes(4).toString('hex');
const namespace = `ingress-router-${unique}`;
/** The public domain of the "cluster" of this test. */
const suffix = `c${unique}.ingress-router.test`;

function ingress(
  name: string,
  host: string,
  paths: Array<{ path: string; service: string }>,
): V1Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: {
      ingressClassName: 'nginx-public',
      rules: [
        {
          host,
          http: {
            paths: paths.map(p => ({
              path: p.path,
              pathType: 'Prefix',
              backend: { service: { name: p.service, port: { number: 80 } } },
            })),
          },
        },
      ],
    },
  };
}

/** An upstream that records what reached it and answers JSON. */
async function echoServer() {
  const seen: Array<{
    method?: string;
    url?: string;
    headers: IncomingHttpHeaders;
    body: string;
  }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: seen.length }));
    });
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  return {
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Waits (bounded) until `check` returns a value. */
async function eventually<T>(
  what: string,
  check: () => T | undefined,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

describe('IngressRouter (kube peer Ingresses, Keycloak peer)', () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.PEERS_KUBECONFIG);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const router = new IngressRouter();
  let echo: Awaited<ReturnType<typeof echoServer>>;

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await networking.createNamespacedIngress({
      namespace,
      body: ingress('keycloak', `keycloak.${suffix}`, [
        { path: '/', service: 'keycloak' },
      ]),
    });
    await networking.createNamespacedIngress({
      namespace,
      body: ingress('echo', `echo.${suffix}`, [
        { path: '/', service: 'unrouted' },
        { path: '/api', service: 'echo' },
      ]),
    });
    echo = await echoServer();
    await router.start();
    router.route(`${namespace}/keycloak`, keycloak.PEERS_KEYCLOAK_URL);
    router.route(`${namespace}/echo`, `${echo.url}/prefix`);
  });

  afterAll(async () => {
    await router.stop();
    await echo?.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  beforeEach(() => router.reset());

  it('takes fetch of https://keycloak.<cluster>.<domain> to the Keycloak peer, with a consistent issuer', async () => {
    const installed = installIngressDispatcher({
      hostSuffix: suffix,
      routerUrl: router.url,
    });
    try {
      const realm = await fetch(`https://keycloak.${suffix}/realms/master`);
      expect(realm.status).toBe(200);
      expect(await realm.json()).toMatchObject({ realm: 'master' });

      // The peer runs without --proxy-headers: it ignores X-Forwarded-* and
      // builds its issuer from the Host header (kept) and its own scheme.
      const issuers = [];
      for (let i = 0; i < 2; i++) {
        const discovery = await fetch(
          `https://keycloak.${suffix}/realms/master/.well-known/openid-configuration`,
        );
        issuers.push((await discovery.json()).issuer);
      }
      expect(issuers).toEqual([
        `http://keycloak.${suffix}/realms/master`,
        `http://keycloak.${suffix}/realms/master`,
      ]);

      // Other hosts keep undici's default connector.
      const direct = await fetch(
        `${keycloak.PEERS_KEYCLOAK_URL}/realms/master`,
      );
      expect(direct.status).toBe(200);
    } finally {
      await installed.uninstall();
    }
    expect(router.requests()).toEqual([
      expect.objectContaining({
        host: `keycloak.${suffix}`,
        method: 'GET',
        path: '/realms/master',
        status: 200,
        service: `${namespace}/keycloak`,
      }),
      expect.objectContaining({
        path: '/realms/master/.well-known/openid-configuration',
        status: 200,
      }),
      expect.objectContaining({
        path: '/realms/master/.well-known/openid-configuration',
        status: 200,
      }),
    ]);
  });

  it('forwards method, path under the upstream prefix, query, body and headers as ingress-nginx does', async () => {
    const installed = installIngressDispatcher({
      hostSuffix: suffix,
      routerUrl: router.url,
    });
    try {
      const res = await fetch(`https://echo.${suffix}/api/v2/things?q=1`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain',
          'x-forwarded-for': '10.0.0.9',
        },
        // A streamed request body (chunked on the way in).
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('hello '));
            controller.enqueue(new TextEncoder().encode('cluster'));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ echoed: 1 });
    } finally {
      await installed.uninstall();
    }
    expect(echo.seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/prefix/api/v2/things?q=1',
      body: 'hello cluster',
      headers: expect.objectContaining({
        host: `echo.${suffix}`,
        'content-length': '13',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': `echo.${suffix}`,
        'x-forwarded-port': '443',
        'x-forwarded-for': '10.0.0.9, 127.0.0.1',
        'x-real-ip': '127.0.0.1',
      }),
    });
    expect(echo.seen.at(-1)!.headers['transfer-encoding']).toBeUndefined();
  });

  it('answers 404 naming a host without an Ingress, and 503 naming a Service without an upstream', async () => {
    const installed = installIngressDispatcher({
      hostSuffix: suffix,
      routerUrl: router.url,
    });
    const missing = await fetch(`https://nothing.${suffix}/realms/master`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain(
      `no Ingress rule for host "nothing.${suffix}"`,
    );

    // "/" of the echo host goes to a Service no upstream is registered for.
    const unrouted = await fetch(`https://echo.${suffix}/other`);
    await installed.uninstall();
    expect(unrouted.status).toBe(503);
    expect(await unrouted.text()).toContain(`Service ${namespace}/unrouted`);
    expect(router.requests().map(r => [r.host, r.status])).toEqual([
      [`nothing.${suffix}`, 404],
      [`echo.${suffix}`, 503],
    ]);
  });

  it('finds an Ingress created after its Ingresses were cached (re-read on a miss)', async () => {
    // Caches the Ingresses (with no rule for this host yet).
    const installed = installIngressDispatcher({
      hostSuffix: suffix,
      routerUrl: router.url,
    });
    try {
      const before = await fetch(`https://late.${suffix}/api/late`);
      expect(before.status).toBe(404);
      await networking.createNamespacedIngress({
        namespace,
        body: ingress('late', `late.${suffix}`, [
          { path: '/', service: 'echo' },
        ]),
      });
      // A port in the Host header does not change the rule it matches.
      const after = await fetch(`http://late.${suffix}:8080/api/late`);
      expect(after.status).toBe(201);
    } finally {
      await installed.uninstall();
    }
    expect(echo.seen.at(-1)).toMatchObject({ url: '/prefix/api/late' });
  });

  it('completes a request at the upstream when a hook kills the caller while it is in flight', async () => {
    const before = echo.seen.length;
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require('node:http').request({ host: '127.0.0.1', port: ${router.port}, method: 'POST', path: '/api/kill', headers: { host: 'echo.${suffix}', 'content-type': 'application/json' } }, () => {}).end(JSON.stringify({ create: 'realm' })); setInterval(() => {}, 1000);`,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>(done =>
      child.once('exit', (_code, signal) => done(signal)),
    );
    const seenByHook: IngressRequest[] = [];
    const remove = router.onRequest(async request => {
      if (request.path !== '/api/kill') return;
      seenByHook.push({ ...request });
      child.kill('SIGKILL');
      await exited;
    });
    try {
      expect(await exited).toBe('SIGKILL');
      const record = await eventually('the killed request answered', () =>
        router
          .requests()
          .find(r => r.path === '/api/kill' && r.status && r.callerGone),
      );
      expect(record).toMatchObject({
        method: 'POST',
        status: 201,
        callerGone: true,
      });
      // The hook ran before forwarding: the upstream had not seen it yet.
      expect(seenByHook).toEqual([
        expect.objectContaining({ path: '/api/kill' }),
      ]);
      expect(seenByHook[0].status).toBeUndefined();
      expect(echo.seen.slice(before)).toEqual([
        expect.objectContaining({
          method: 'POST',
          url: '/prefix/api/kill',
          body: '{"create":"realm"}',
        }),
      ]);
    } finally {
      remove();
      child.kill('SIGKILL');
    }
  });
});
