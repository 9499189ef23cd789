import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { AddressInfo } from 'node:net';
import { requirePeer } from '../peers/peersEnv';
import { scaffolderTasks } from '../scaffolder/scaffolderTasks';
import { suiteActions } from '../templates/__testUtils__/suiteTemplates';
import { ProxiedUpstreams, proxyClusterUpstreams } from './proxiedUpstreams';

/**
 * The scaffolder's own re-run of a failed task, in process: a template whose
 * first step creates a Keycloak realm (real Keycloak) and whose second
 * applies objects to the real API server, which answers 503 through the
 * fault proxy. The task fails at the second step with its error in the task
 * log; once the API server is back, `POST /v2/tasks/:id/retry` completes the
 * task, the first step is not repeated against Keycloak (its checkpoint
 * holds), and every object exists once.
 */
jest.setTimeout(180_000);

describe('a failed scaffolder task re-run after the upstream returns', () => {
  const kc = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBECONFIG',
  ]);
  const run = randomBytes(4).toString('hex');
  const realm = `retry-${run}`;
  const namespace = `retry-${run}`;
  let proxied: ProxiedUpstreams;
  let server: any;
  let stop: () => Promise<void>;

  const admin = async () => {
    const token = await fetch(
      `${kc.PEERS_KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`,
      {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'admin-cli',
          username: kc.PEERS_KEYCLOAK_ADMIN_USER,
          password: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
        }),
      },
    ).then(r => r.json());
    return { authorization: `Bearer ${token.access_token}` };
  };

  beforeAll(async () => {
    proxied = await proxyClusterUpstreams(
      {
        name: 'faulty',
        keycloak: {
          baseUrl: kc.PEERS_KEYCLOAK_URL,
          admin: {
            username: kc.PEERS_KEYCLOAK_ADMIN_USER,
            password: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
          },
        },
        kubernetes: {
          url: kube.PEERS_KUBE_URL,
          caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
          auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
        },
      },
      'scaffolder',
    );
    const actions = createBackendModule({
      pluginId: 'scaffolder',
      moduleId: 'coder-platform-faults',
      register(reg) {
        reg.registerInit({
          deps: {
            scaffolder: scaffolderActionsExtensionPoint,
            config: coreServices.rootConfig,
          },
          async init({ scaffolder, config }) {
            scaffolder.addActions(...suiteActions({ config }));
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        actions,
        mockServices.rootConfig.factory({
          data: { coderPlatform: { clusters: [proxied.clusterConfig] } },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'mock', namespace: 'default' },
              spec: {},
            },
            {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: { name: 'realm-and-objects', namespace: 'default' },
              spec: {
                type: 'service',
                parameters: [
                  {
                    properties: {
                      realm: { type: 'string' },
                      namespace: { type: 'string' },
                    },
                  },
                ],
                steps: [
                  {
                    id: 'realm',
                    name: 'Keycloak realm',
                    action: 'keycloak:realm',
                    input: {
                      cluster: 'faulty',
                      realm: '${{ parameters.realm }}',
                    },
                  },
                  {
                    id: 'objects',
                    name: 'Objects',
                    action: 'kubernetes:apply',
                    input: {
                      cluster: 'faulty',
                      namespace: '${{ parameters.namespace }}',
                      manifest:
                        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "1"}',
                    },
                  },
                ],
              },
            },
          ],
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await proxied?.stop();
    await fetch(`${kc.PEERS_KEYCLOAK_URL}/admin/realms/${realm}`, {
      method: 'DELETE',
      headers: await admin(),
    });
    // The template's kubernetes:apply made it in the shared API server.
    const config = new KubeConfig();
    config.loadFromFile(kube.PEERS_KUBECONFIG);
    await config
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
  });

  const { api, settle } = scaffolderTasks({
    baseUrl: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorization: mockCredentials.user.header(),
  });

  const count = (
    upstream: 'keycloak' | 'kubernetes',
    method: string,
    path: RegExp,
  ) =>
    proxied.proxies[upstream].requests.filter(
      r => r.method === method && path.test(r.path),
    ).length;

  it('fails at the step whose upstream answers 503, then completes on retry without repeating the realm create', async () => {
    proxied.proxies.kubernetes.fault(
      new RegExp(`^/api/v1/namespaces/${namespace}/configmaps`),
      { kind: 'status', status: 503, body: 'etcd leader changed' },
    );
    const created = await api('/v2/tasks', {
      templateRef: 'template:default/realm-and-objects',
      values: { realm, namespace },
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id;
    const failed = await settle(taskId);
    expect(failed.status).toBe('failed');
    expect(failed.log).toMatch(/ConfigMap .*settings.*503/);
    expect(failed.log).not.toContain(kube.PEERS_KUBE_TOKEN);
    const realmCreates = count('keycloak', 'POST', /^\/admin\/realms\/?$/);
    expect(realmCreates).toBe(1);

    proxied.proxies.kubernetes.clearFaults();
    const retried = await api(`/v2/tasks/${taskId}/retry`, {});
    expect(retried.status).toBe(201);
    const done = await settle(taskId);
    expect(done.status).toBe('completed');
    expect(count('keycloak', 'POST', /^\/admin\/realms\/?$/)).toBe(
      realmCreates,
    );

    const realms = await fetch(`${kc.PEERS_KEYCLOAK_URL}/admin/realms`, {
      headers: await admin(),
    }).then(r => r.json());
    expect(
      realms.filter((r: { realm: string }) => r.realm === realm),
    ).toHaveLength(1);
    const status = await new Promise<number>((resolve, reject) =>
      httpsGet(
        `${kube.PEERS_KUBE_URL}/api/v1/namespaces/${namespace}/configmaps/settings`,
        {
          ca: readFileSync(kube.PEERS_KUBE_CA_FILE),
          headers: { authorization: `Bearer ${kube.PEERS_KUBE_TOKEN}` },
        },
        res => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      ).on('error', reject),
    );
    expect(status).toBe(200);
  });
});
