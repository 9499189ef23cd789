import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { createKeycloakGroupAction } from './keycloakGroup';
import { examples } from './keycloakGroup.examples';
import { mockContext } from './__testUtils__/context';
import {
  memoryKeycloakConfig,
  startMemoryKeycloak,
} from './__testUtils__/memoryKeycloak';

describe('keycloak:group examples', () => {
  it.each([
    [
      examples[0].description,
      examples[0],
      { 'grafana-admin': [], 'grafana-dev': [] },
    ],
    [
      examples[1].description,
      examples[1],
      { 'grafana-admin': ['grafana/admin'], 'grafana-dev': ['grafana/editor'] },
    ],
  ])(
    'runs "%s" as written, then again as a no-op',
    async (_d, example, expected) => {
      const keycloak = await startMemoryKeycloak('example-com');
      try {
        // keycloak:client created the grafana client in an earlier step.
        keycloak.addClient('grafana');
        const action = createKeycloakGroupAction({
          config: new ConfigReader(memoryKeycloakConfig(keycloak.url)),
        });
        const { input } = yaml.parse(example.example).steps[0];
        const ctx = mockContext(input);
        await action.handler(ctx);
        expect(keycloak.groupNames()).toEqual(Object.keys(expected));
        for (const [group, roles] of Object.entries(expected)) {
          expect(keycloak.mappedRoles(group)).toEqual(roles);
        }
        const writes = keycloak.mutations().length;
        const again = mockContext(input);
        await action.handler(again);
        expect(Object.fromEntries(again.output.mock.calls).changed).toBe(false);
        expect(keycloak.mutations()).toHaveLength(writes);
      } finally {
        await keycloak.stop();
      }
    },
  );
});
