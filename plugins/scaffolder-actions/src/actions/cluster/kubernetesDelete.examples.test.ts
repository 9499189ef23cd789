import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { createKubernetesDeleteAction } from './kubernetesDelete';
import { examples } from './kubernetesDelete.examples';
import { mockContext } from './__testUtils__/context';
import { memoryKubeConfig, startMemoryKube } from './__testUtils__/memoryKube';

const APP_NAMESPACES = [
  'coder',
  'keycloak',
  'postgres',
  'monitoring',
  'oauth2-proxy',
  'cert-manager',
  'nginx-ingress',
];

describe('kubernetes:delete examples', () => {
  it.each([
    [
      examples[0].description,
      examples[0],
      (kube: Awaited<ReturnType<typeof startMemoryKube>>) => {
        kube.namespace('coder-alice-devbox', { 'user-namespace': '1' });
        APP_NAMESPACES.forEach(n => kube.namespace(n));
      },
      [
        '/api/v1/namespaces/coder-alice-devbox',
        ...APP_NAMESPACES.map(n => `/api/v1/namespaces/${n}`),
      ],
    ],
    [
      examples[1].description,
      examples[1],
      (kube: Awaited<ReturnType<typeof startMemoryKube>>) => {
        kube.namespace('coder');
        kube.put({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'coder-old-settings', namespace: 'coder' },
        });
        kube.secret(
          'coder',
          'coder-old-tls',
          { k: 'v' },
          { 'app.kubernetes.io/instance': 'coder-old' },
        );
      },
      [
        '/api/v1/namespaces/coder/configmaps/coder-old-settings',
        '/api/v1/namespaces/coder/secrets/coder-old-tls',
      ],
    ],
  ])(
    'runs "%s" as written, then again as a no-op',
    async (_description, example, seed, paths) => {
      const kube = await startMemoryKube({ namespaceTerminatingReads: 1 });
      try {
        kube.namespace('kube-system');
        seed(kube);
        const action = createKubernetesDeleteAction({
          config: new ConfigReader(memoryKubeConfig(kube.url)),
          pollIntervalMs: 5,
        });
        const { input } = yaml.parse(example.example).steps[0];
        const ctx = mockContext(input);
        await action.handler(ctx);
        expect(
          kube.mutations().map(r => `${r.method} ${r.path.split('?')[0]}`),
        ).toEqual(paths.map(p => `DELETE ${p}`));
        expect(Object.fromEntries(ctx.output.mock.calls).changed).toBe(
          paths.length,
        );
        expect(kube.get('Namespace', undefined, 'kube-system')).toBeDefined();

        const again = mockContext(input);
        await action.handler(again);
        expect(Object.fromEntries(again.output.mock.calls).changed).toBe(0);
        expect(kube.mutations()).toHaveLength(paths.length);
      } finally {
        await kube.stop();
      }
    },
  );
});
