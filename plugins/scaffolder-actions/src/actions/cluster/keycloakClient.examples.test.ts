import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { createKeycloakClientAction } from './keycloakClient';
import { examples } from './keycloakClient.examples';
import { mockContext } from './__testUtils__/context';
import { startFakeKeycloak } from './__testUtils__/fakeKeycloak';

describe('keycloak:client examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run',
    async (_description, example) => {
      const keycloak = await startFakeKeycloak();
      try {
        const action = createKeycloakClientAction({
          config: new ConfigReader({
            coderPlatform: {
              clusterActions: {
                clusters: [
                  { name: 'dev', url: 'https://127.0.0.1:1', token: 't' },
                ],
              },
            },
          }),
          googleAccessToken: async () => 'google-token',
        });
        const input = yaml.parse(example).steps[0].input;
        input.keycloak.baseUrl = keycloak.url;
        if (input.cluster.endpoint) {
          input.cluster = { endpoint: '10.0.0.1', caCertificate: 'Y2E=' };
        }
        const ctx = mockContext(input, {
          isDryRun: true,
          secrets: { keycloakAdminPassword: 'admin-pw' },
        });
        await action.handler(ctx);
        expect(ctx.logger.info).toHaveBeenCalledWith(
          expect.stringContaining(
            `dry run: would create client "${input.clientId}"`,
          ),
        );
        expect(keycloak.mutations()).toEqual([]);
      } finally {
        await keycloak.stop();
      }
    },
  );
});
