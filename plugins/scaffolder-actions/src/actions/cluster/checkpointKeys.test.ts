import { ConfigReader } from '@backstage/config';
import { ClusterActionsOptions } from './clusterAccess';
import { createKeycloakGroupAction } from './keycloakGroup';
import { createKeycloakRealmAction } from './keycloakRealm';
import { createKubernetesApplyAction } from './kubernetesApply';
import { createKubernetesDeleteAction } from './kubernetesDelete';
import { createKubernetesSecretAction } from './kubernetesSecret';
import { mockContext } from './__testUtils__/context';
import {
  fakeKeycloakBlock,
  startFakeKeycloak,
} from './__testUtils__/fakeKeycloak';
import { startMemoryKeycloak } from './__testUtils__/memoryKeycloak';
import { startMemoryKube } from './__testUtils__/memoryKube';

/**
 * A task's checkpoints as the scaffolder keeps them: one store per task,
 * shared by its steps and kept across a resume. A key seen before returns
 * the stored value without running the step's function again.
 */
function taskCheckpoints() {
  const store = new Map<string, unknown>();
  return {
    store,
    checkpoint: jest.fn(
      async ({ key, fn }: { key: string; fn: () => unknown }) => {
        if (!store.has(key)) store.set(key, await fn());
        return store.get(key);
      },
    ),
  };
}

type Action = { handler: (ctx: any) => Promise<void> };

/**
 * Every in-cluster action's checkpoint keys name the target cluster: one task
 * whose steps make the same write in two clusters (the cluster template with
 * a second cluster, or a resumed task pointed at another cluster) writes to
 * both. A key without the cluster would return the first cluster's
 * checkpoint for the second, which then never gets the write.
 */
describe('checkpoint keys name the cluster: the same step for two clusters in one task writes to both', () => {
  jest.setTimeout(30_000);

  const run = async (
    action: Action,
    cluster: string,
    input: Record<string, unknown>,
    checkpoints: ReturnType<typeof taskCheckpoints>,
  ) => {
    const ctx = mockContext({ ...input, cluster });
    ctx.checkpoint = checkpoints.checkpoint as any;
    await action.handler(ctx);
    return Object.fromEntries(ctx.output.mock.calls);
  };
  const keysOf = (checkpoints: ReturnType<typeof taskCheckpoints>) => [
    ...checkpoints.store.keys(),
  ];

  describe('Kubernetes actions (two in-memory API servers)', () => {
    let dev: Awaited<ReturnType<typeof startMemoryKube>>;
    let prod: Awaited<ReturnType<typeof startMemoryKube>>;
    let options: ClusterActionsOptions;
    const cluster = (name: string, url: string) => ({
      name,
      title: name,
      kubernetes: {
        url,
        skipTLSVerify: true,
        auth: { type: 'token', token: `${name}-kube-token` },
      },
    });

    beforeEach(async () => {
      dev = await startMemoryKube();
      prod = await startMemoryKube();
      options = {
        config: new ConfigReader({
          coderPlatform: {
            clusters: [cluster('dev', dev.url), cluster('prod', prod.url)],
          },
        }),
        pollIntervalMs: 5,
      };
    });
    afterEach(async () => {
      await dev.stop();
      await prod.stop();
    });

    it('kubernetes:apply', async () => {
      const checkpoints = taskCheckpoints();
      const action = createKubernetesApplyAction(options);
      const input = {
        manifest: [
          'apiVersion: v1',
          'kind: Namespace',
          'metadata: {name: demo}',
          '---',
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata: {name: settings, namespace: demo}',
          'data: {mode: dev}',
        ].join('\n'),
      };
      await run(action, 'dev', input, checkpoints);
      await run(action, 'prod', input, checkpoints);
      for (const kube of [dev, prod]) {
        expect(kube.get('ConfigMap', 'demo', 'settings')).toMatchObject({
          data: { mode: 'dev' },
        });
      }
      expect(keysOf(checkpoints).length).toBeGreaterThan(0);
    });

    it('kubernetes:secret', async () => {
      const checkpoints = taskCheckpoints();
      const action = createKubernetesSecretAction(options);
      const input = {
        namespace: 'oauth2-proxy',
        name: 'cookie',
        generate: [{ key: 'cookie-secret', length: 32, charset: 'base64url' }],
      };
      const first = await run(action, 'dev', input, checkpoints);
      const second = await run(action, 'prod', input, checkpoints);
      expect(first.changed).toBe(true);
      expect(second.changed).toBe(true);
      const devValue = dev.secretValues('oauth2-proxy', 'cookie')?.[
        'cookie-secret'
      ];
      const prodValue = prod.secretValues('oauth2-proxy', 'cookie')?.[
        'cookie-secret'
      ];
      expect(devValue).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(prodValue).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(keysOf(checkpoints).length).toBeGreaterThan(0);
    });

    it('kubernetes:delete', async () => {
      for (const kube of [dev, prod]) kube.namespace('coder-old');
      const checkpoints = taskCheckpoints();
      const action = createKubernetesDeleteAction(options);
      const input = { objects: [{ kind: 'Namespace', names: ['coder-old'] }] };
      const first = await run(action, 'dev', input, checkpoints);
      const second = await run(action, 'prod', input, checkpoints);
      expect(first.changed).toBe(1);
      expect(second.changed).toBe(1);
      for (const kube of [dev, prod]) {
        expect(
          kube
            .mutations()
            .filter(r => r.method === 'DELETE')
            .map(r => r.path.split('?')[0]),
        ).toEqual(['/api/v1/namespaces/coder-old']);
      }
      expect(keysOf(checkpoints).length).toBeGreaterThan(0);
    });
  });

  describe('Keycloak actions (two Keycloaks)', () => {
    it('keycloak:group', async () => {
      const dev = await startMemoryKeycloak('example-com');
      const prod = await startMemoryKeycloak('example-com');
      try {
        const action = createKeycloakGroupAction({
          config: new ConfigReader({
            coderPlatform: {
              clusters: [
                { name: 'dev', keycloak: fakeKeycloakBlock(dev.url) },
                { name: 'prod', keycloak: fakeKeycloakBlock(prod.url) },
              ],
            },
          }),
        });
        const checkpoints = taskCheckpoints();
        const input = { realm: 'example-com', groups: [{ name: 'ops' }] };
        await run(action, 'dev', input, checkpoints);
        await run(action, 'prod', input, checkpoints);
        expect(dev.groupNames()).toEqual(['ops']);
        expect(prod.groupNames()).toEqual(['ops']);
        expect(keysOf(checkpoints).length).toBeGreaterThan(0);
      } finally {
        await dev.stop();
        await prod.stop();
      }
    });

    it('keycloak:realm', async () => {
      // A realm both clusters have, with self-registration off: each run updates it.
      const state = () => ({
        realms: {
          'example-com': { realm: 'example-com', registrationAllowed: false },
        },
      });
      const dev = await startFakeKeycloak(state());
      const prod = await startFakeKeycloak(state());
      try {
        const action = createKeycloakRealmAction({
          config: new ConfigReader({
            coderPlatform: {
              clusters: [
                { name: 'dev', keycloak: fakeKeycloakBlock(dev.url) },
                { name: 'prod', keycloak: fakeKeycloakBlock(prod.url) },
              ],
            },
          }),
        });
        const checkpoints = taskCheckpoints();
        const input = { realm: 'example-com' };
        const first = await run(action, 'dev', input, checkpoints);
        const second = await run(action, 'prod', input, checkpoints);
        expect(first.changed).toBe(true);
        expect(second.changed).toBe(true);
        for (const kc of [dev, prod]) {
          expect(kc.mutations().map(r => `${r.method} ${r.path}`)).toEqual([
            'PUT /admin/realms/example-com',
          ]);
        }
        expect(keysOf(checkpoints).length).toBeGreaterThan(0);
      } finally {
        await dev.stop();
        await prod.stop();
      }
    });
  });
});
