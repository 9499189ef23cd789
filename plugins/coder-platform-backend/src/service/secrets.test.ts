import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { coderPlatformPlugin } from '../plugin';

// Every route of the backend, through the real router (startTestBackend +
// supertest), with known secrets in app-config (the Coder token, the Keycloak
// reader client secret and admin password, the Kubernetes token, the restic
// password) and upstreams that fail: 401 and 500 answers whose bodies echo
// every secret and the request's Authorization header and body, and a
// connection dropped before any answer. No response body, header or log line
// may contain a secret.

jest.setTimeout(120_000);

const CODER_TOKEN = 'coder-token-1f8b3d5a7c';
const KEYCLOAK_SECRET = 'kc-reader-secret-9e2a4c6b8d';
const KEYCLOAK_PASSWORD = 'kc-admin-pw-4b6d8f0a2c';
const KUBE_TOKEN = 'kube-token-7a9c1e3b5d';
const RESTIC_PASSWORD = 'restic-pw-2d4f6a8c0e';
const SECRETS = [
  CODER_TOKEN,
  KEYCLOAK_SECRET,
  KEYCLOAK_PASSWORD,
  KUBE_TOKEN,
  RESTIC_PASSWORD,
];

type Mode = 401 | 500 | 'drop';

/** An upstream that fails every request in `mode`, echoing what it knows. */
async function startFailingUpstream(mode: Mode) {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      if (mode === 'drop') {
        req.socket.destroy();
        return;
      }
      const echo = `rejected Authorization: ${
        req.headers.authorization ?? ''
      } Coder-Session-Token: ${
        req.headers['coder-session-token'] ?? ''
      } body: ${Buffer.concat(chunks).toString()} known: ${SECRETS.join(' ')}`;
      res.writeHead(mode, {
        'Content-Type': 'application/json',
        'X-Echo': echo,
      });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          code: mode,
          message: echo,
          detail: echo,
          error: echo,
          error_description: echo,
        }),
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    stop: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ROUTES = [
  '/clusters',
  '/clusters/dev',
  '/clusters/dev/coder',
  '/clusters/dev/workspaces',
  '/clusters/dev/workspaces?q=owner:alice&limit=5',
  '/clusters/dev/keycloak/users',
  '/clusters/dev/keycloak/users?search=alice&max=5',
  '/clusters/dev/keycloak/users/u-1/groups',
  '/clusters/dev/keycloak/summary',
  '/clusters/dev/backups/postgres',
  '/clusters/dev/backups/workspaces',
  '/clusters/dev/releases',
];

/** Every MCP action the plugin registers, with an input naming the cluster. */
const ACTIONS: Record<string, Record<string, unknown>> = {
  'list-clusters': {},
  'list-workspaces': { cluster: 'dev', query: 'owner:alice' },
  'list-helm-releases': { cluster: 'dev' },
  'get-cluster-overview': { cluster: 'dev' },
  'get-backup-status': { cluster: 'dev' },
  'get-keycloak-user-summary': { cluster: 'dev' },
};

describe.each<Mode>([401, 500, 'drop'])(
  'routes against upstreams failing with %s: no secret in responses or logs',
  mode => {
    let upstream: Awaited<ReturnType<typeof startFailingUpstream>>;
    let server: any;
    const logged: string[] = [];

    /** A backend whose every upstream is the failing one. */
    const startBackend = () => {
      const timeout = { timeoutSeconds: 5 };
      return startTestBackend({
        features: [
          coderPlatformPlugin,
          mockServices.rootLogger.factory({ level: 'debug' }),
          mockServices.rootConfig.factory({
            data: {
              coderPlatform: {
                refresh: { enabled: false },
                upstreams: {
                  coder: timeout,
                  keycloak: timeout,
                  gcs: timeout,
                  kubernetes: timeout,
                  restic: timeout,
                },
                clusters: [
                  {
                    name: 'dev',
                    coder: { url: upstream.url, token: CODER_TOKEN },
                    keycloak: {
                      baseUrl: upstream.url,
                      realm: 'example-com',
                      clientId: 'reader',
                      clientSecret: KEYCLOAK_SECRET,
                      admin: {
                        username: 'admin',
                        password: KEYCLOAK_PASSWORD,
                      },
                    },
                    kubernetes: {
                      url: upstream.url,
                      skipTLSVerify: true,
                      auth: { type: 'token', token: KUBE_TOKEN },
                    },
                    backups: {
                      bucket: 'acme-backups',
                      endpoint: upstream.url,
                      postgres: [
                        {
                          name: 'main-postgres-db',
                          prefix: 'spilo/main-postgres-db/wal/15',
                          schedule: '00 01 * * *',
                        },
                      ],
                      restic: {
                        prefix: 'restic/',
                        password: RESTIC_PASSWORD,
                      },
                    },
                  },
                ],
              },
            },
          }),
        ],
      });
    };
    beforeAll(async () => {
      const text = (a: unknown) => {
        if (a instanceof Error) return `${a.message} ${a.stack}`;
        return typeof a === 'string' ? a : JSON.stringify(a);
      };
      for (const level of ['error', 'warn', 'info', 'debug', 'log'] as const) {
        jest
          .spyOn(console, level)
          .mockImplementation((...args: unknown[]) =>
            logged.push(args.map(text).join(' ')),
          );
      }
      upstream = await startFailingUpstream(mode);
      ({ server } = await startBackend());
    });

    afterAll(async () => {
      jest.restoreAllMocks();
      await upstream?.stop();
    });

    it.each(ROUTES)('GET %s', async path => {
      const res = await request(server).get(`/api/coder-platform${path}`);
      const answer = `${res.status} ${JSON.stringify(res.headers)} ${res.text}`;
      expect(SECRETS.filter(s => answer.includes(s))).toEqual([]);
      // Cluster listings answer from config; every other route reports the
      // failing upstream (503), it does not pretend to have data.
      expect(res.status).toBe(/^\/clusters(\/dev)?$/.test(path) ? 200 : 503);
    });

    // The MCP actions (actions/registerActions.ts, inventoryActions.ts),
    // invoked through the actions registry's own route, as the MCP actions
    // backend calls them.
    const invoke = (
      backend: { server: any },
      name: string,
      input: Record<string, unknown>,
    ) =>
      request(backend.server)
        .post(
          `/api/coder-platform/.backstage/actions/v1/actions/coder-platform:${name}/invoke`,
        )
        .send(input);

    it('offers exactly the MCP actions below', async () => {
      const res = await request(server).get(
        '/api/coder-platform/.backstage/actions/v1/actions',
      );
      expect(res.status).toBe(200);
      expect(
        res.body.actions.map((a: { name: string }) => a.name).sort(),
      ).toEqual(Object.keys(ACTIONS).sort());
    });

    it.each(Object.entries(ACTIONS))('MCP action %s', async (name, input) => {
      // A backend of its own, so no other case's failure has put the
      // upstream in back-off: the action reads the failing answer itself.
      const backend = await startBackend();
      const before = upstream.requests();
      let res: request.Response;
      try {
        res = await invoke(backend, name, input);
      } finally {
        await backend.stop();
      }
      const answer = `${res.status} ${JSON.stringify(res.headers)} ${res.text}`;
      expect(SECRETS.filter(s => answer.includes(s))).toEqual([]);
      // list-clusters answers from config; every other action reaches the
      // failing upstream and reports an error, not data.
      const fromConfig = name === 'list-clusters';
      expect({
        ok: res.status === 200,
        reached: upstream.requests() > before,
        errorMessage: /\S/.test(res.body.error?.message ?? ''),
      }).toEqual({
        ok: fromConfig,
        reached: !fromConfig,
        errorMessage: !fromConfig,
      });
    });

    it('reached the failing upstream, and logged nothing secret', () => {
      expect(upstream.requests()).toBeGreaterThan(0);
      // The failures were logged (so the check below reads real log lines).
      expect(logged.some(line => line.includes('cluster dev'))).toBe(true);
      const text = logged.join('\n');
      expect(SECRETS.filter(s => text.includes(s))).toEqual([]);
    });
  },
);
