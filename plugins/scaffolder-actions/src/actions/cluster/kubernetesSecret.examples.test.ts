import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { createKubernetesSecretAction } from './kubernetesSecret';
import { examples } from './kubernetesSecret.examples';
import { loggedText, mockContext } from './__testUtils__/context';
import { memoryKubeConfig, startMemoryKube } from './__testUtils__/memoryKube';

const ZALANDO =
  'keycloak.main-postgres-db.credentials.postgresql.acid.zalan.do';

describe('kubernetes:secret examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as written, twice',
    async (_description, example) => {
      const kube = await startMemoryKube();
      try {
        // What the Zalando operator would have created by then.
        kube.namespace('postgres');
        kube.secret('postgres', ZALANDO, {
          username: 'keycloak',
          password: 'zalando-generated',
        });
        const action = createKubernetesSecretAction({
          config: new ConfigReader(
            memoryKubeConfig(kube.url, {
              clusterActions: { readableSecrets: [`postgres/${ZALANDO}`] },
            }),
          ),
        });
        const secrets = { keycloakAdminPassword: 'typed-admin-password' };
        for (const step of yaml.parse(example).steps) {
          const ctx = mockContext(step.input, { secrets });
          await action.handler(ctx);
          const out = Object.fromEntries(ctx.output.mock.calls);
          const { namespace, name } = step.input;
          const stored = kube.get('Secret', namespace, name)!;
          expect(stored.metadata.labels).toMatchObject({
            'coder-platform.io/managed': 'true',
          });
          expect(Object.keys(stored.data as object).sort()).toEqual(out.keys);
          expect(out.changed).toBe(true);
          const writes = kube
            .mutations()
            .filter(r => r.path.includes(`/secrets/${name}`));
          expect(writes.map(w => w.method)).toEqual(['PATCH']);
          expect(loggedText(ctx)).not.toMatch(
            /typed-admin-password|zalando-generated/,
          );

          const before = kube.secretValues(namespace, name);
          const again = mockContext(step.input, { secrets });
          await action.handler(again);
          expect(Object.fromEntries(again.output.mock.calls).changed).toBe(
            false,
          );
          expect(kube.secretValues(namespace, name)).toEqual(before);
        }
      } finally {
        await kube.stop();
      }
    },
  );

  it('the copy example copies the Zalando password under its new key', async () => {
    const kube = await startMemoryKube();
    try {
      kube.namespace('postgres');
      kube.secret('postgres', ZALANDO, {
        username: 'keycloak',
        password: 'zalando-generated',
      });
      const action = createKubernetesSecretAction({
        config: new ConfigReader(
          memoryKubeConfig(kube.url, {
            clusterActions: { readableSecrets: [`postgres/${ZALANDO}`] },
          }),
        ),
      });
      const step = yaml.parse(examples[2].example).steps[0];
      await action.handler(mockContext(step.input));
      expect(kube.secretValues('keycloak', 'keycloak-db')).toEqual({
        'db-username': 'keycloak',
        'db-password': 'zalando-generated',
      });
    } finally {
      await kube.stop();
    }
  });
});
