import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { createKeycloakRealmAction } from './keycloakRealm';
import { examples } from './keycloakRealm.examples';
import { mockContext } from './__testUtils__/context';
import { startFakeKeycloak } from './__testUtils__/fakeKeycloak';

describe('keycloak:realm examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run',
    async (_description, example) => {
      const keycloak = await startFakeKeycloak();
      try {
        const action = createKeycloakRealmAction({
          config: new ConfigReader({}),
        });
        const input = yaml.parse(example).steps[0].input;
        input.keycloak.baseUrl = keycloak.url;
        const ctx = mockContext(input, {
          isDryRun: true,
          secrets: {
            keycloakAdminPassword: 'admin-pw',
            smtpPassword: 'smtp-pw',
          },
        });
        await action.handler(ctx);
        expect(ctx.logger.info).toHaveBeenCalledWith(
          `dry run: would create realm "${input.realm}"`,
        );
        expect(keycloak.mutations()).toEqual([]);
      } finally {
        await keycloak.stop();
      }
    },
  );
});
