import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InMemoryBucket } from '@coder-platform/testing';
import type { Bucket } from '@google-cloud/storage';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createClusterActions } from './index';
import { loggedText, mockContext } from './__testUtils__/context';
import { fakeHelm } from './__testUtils__/fakeHelm';
import {
  baseInput,
  validateLikeScaffolder,
} from './__testUtils__/schemaValidation';

// Every cluster action (from createClusterActions, so new ones are covered)
// runs with known secret values in app-config (the cluster's Kubernetes
// token, the Keycloak admin password and reader client secret, the Coder
// token) and in the task's secrets, against upstreams that fail: 401 and 500
// answers whose bodies echo every secret and the request's Authorization
// header and body (as verbose proxies do), a connection dropped before any
// answer, and a helm that prints the secrets on stderr. No secret may appear
// in the logs, the outputs or the error (message, stack, cause).

jest.setTimeout(120_000);

const KUBE_TOKEN = 'kube-token-5e1c7a9b3d';
const KEYCLOAK_PASSWORD = 'kc-admin-pw-8d2f4b6a1c';
const KEYCLOAK_CLIENT_SECRET = 'kc-reader-secret-3a7e9c1f5b';
const CODER_TOKEN = 'coder-token-6b4d8f2a0e';
const TASK_SECRET = 'task-secret-2c9e7a5b1d';
const SECRETS = [
  KUBE_TOKEN,
  KEYCLOAK_PASSWORD,
  KEYCLOAK_CLIENT_SECRET,
  CODER_TOKEN,
  TASK_SECRET,
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
      } body: ${Buffer.concat(chunks).toString()} known: ${SECRETS.join(' ')}`;
      res.writeHead(mode, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          code: mode,
          reason: mode === 401 ? 'Unauthorized' : 'InternalError',
          message: echo,
          error: echo,
          error_description: echo,
          detail: echo,
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

/** Every string of the input, as task secret names (the examples name theirs). */
function taskSecretsFor(input: unknown): Record<string, string> {
  const names: string[] = ['coderAdminPassword', 'coderSessionToken'];
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length < 100) names.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(input);
  return Object.fromEntries(names.map(n => [n, TASK_SECRET]));
}

describe.each<Mode>([401, 500, 'drop'])(
  'cluster actions against upstreams failing with %s: no secret leaks',
  mode => {
    const workspace = createMockDirectory();
    let upstream: Awaited<ReturnType<typeof startFailingUpstream>>;
    let actions: ReturnType<typeof createClusterActions>;

    beforeAll(async () => {
      workspace.setContent({
        'coder-templates/devbox/main.tf': `# devbox ${TASK_SECRET}\n`,
      });
      upstream = await startFailingUpstream(mode);
      const helm = fakeHelm({
        upgradeStderr: `Error: UPGRADE FAILED: Unauthorized: Bearer ${KUBE_TOKEN} password ${TASK_SECRET} ${KEYCLOAK_PASSWORD}`,
      });
      actions = createClusterActions({
        config: new ConfigReader({
          coderPlatform: {
            clusterActions: { helm: { binary: helm.bin } },
            clusters: [
              {
                name: 'dev',
                kubernetes: {
                  url: upstream.url,
                  skipTLSVerify: true,
                  auth: { type: 'token', token: KUBE_TOKEN },
                },
                keycloak: {
                  baseUrl: upstream.url,
                  realm: 'example-com',
                  clientId: 'reader',
                  clientSecret: KEYCLOAK_CLIENT_SECRET,
                  admin: { username: 'admin', password: KEYCLOAK_PASSWORD },
                },
                coder: { url: upstream.url, token: CODER_TOKEN },
              },
            ],
          },
        }),
        pollIntervalMs: 5,
        gcsBucket: () => new InMemoryBucket() as unknown as Bucket,
      });
    });
    afterAll(() => upstream.stop());

    const input = (action: any): Record<string, unknown> => {
      const base = baseInput(action, 'dev');
      if (!action.schema.input.properties.cluster) delete base.cluster;
      // Short waits, and http:wait against the failing upstream.
      if (action.id === 'http:wait') {
        return {
          ...base,
          url: `${upstream.url}/realms/master`,
          attempts: 2,
          intervalSeconds: 0.1,
        };
      }
      return base;
    };

    it('covers every action createClusterActions returns', () => {
      expect(actions.length).toBeGreaterThanOrEqual(11);
    });

    it.each(
      createClusterActions({ config: new ConfigReader({}) }).map(a => a.id),
    )('%s', async id => {
      const action = actions.find(a => a.id === id)!;
      const given = input(action);
      validateLikeScaffolder(action, given);
      const before = upstream.requests();
      const ctx = mockContext(given, {
        workspacePath: workspace.path,
        secrets: taskSecretsFor(given),
      });
      const error = await action.handler(ctx as any).then(
        () => undefined,
        e => e as Error & { cause?: unknown },
      );
      const seen = [
        loggedText(ctx),
        JSON.stringify(ctx.output.mock.calls),
        String(error?.message),
        String(error?.stack),
        JSON.stringify(error ?? {}),
        String((error?.cause as Error | undefined)?.message),
      ].join('\n');
      expect(SECRETS.filter(s => seen.includes(s))).toEqual([]);
      // The failing upstream was reached and the action failed, except
      // postgres:guard, which reads only its GCS bucket (in memory here), and
      // helm:release, whose upstream failure is the fake helm's stderr (the
      // fake never calls the API server), and coder:template:fetch, which
      // only copies bundled files into the workspace.
      const readsOnlyGcs = id === 'coder-platform:postgres:guard';
      const failsInFakeHelm = id === 'helm:release';
      const workspaceOnly = id === 'coder:template:fetch';
      expect({
        reached: upstream.requests() > before,
        failed: error !== undefined,
      }).toEqual({
        reached: !readsOnlyGcs && !failsInFakeHelm && !workspaceOnly,
        failed: !readsOnlyGcs && !workspaceOnly,
      });
    });
  },
);
