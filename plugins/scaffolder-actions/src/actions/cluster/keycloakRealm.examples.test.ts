import { ConfigReader } from '@backstage/config';
import { createKeycloakRealmAction } from './keycloakRealm';
import { examples } from './keycloakRealm.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import {
  fakeKeycloakBlock,
  startFakeKeycloak,
} from './__testUtils__/fakeKeycloak';

describe('keycloak:realm examples', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run',
    async (_description, example) => {
      const keycloak = await startFakeKeycloak();
      try {
        const action = createKeycloakRealmAction({
          config: new ConfigReader({
            coderPlatform: {
              clusters: [
                { name: 'dev', keycloak: fakeKeycloakBlock(keycloak.url) },
              ],
            },
          }),
        });
        const [input] = renderExampleInputs('keycloak:realm', example);
        const ctx = mockContext(input, {
          isDryRun: true,
          secrets: { smtpPassword: 'smtp-pw' },
        });
        await action.handler(ctx);
        expect(ctx.logger.info).toHaveBeenCalledWith(
          `dry run: would create realm "${input.realm}" in cluster "dev"`,
        );
        expect(keycloak.requests.map(r => `${r.method} ${r.path}`)).toEqual([
          'POST /realms/master/protocol/openid-connect/token',
          `GET /admin/realms/${input.realm}`,
        ]);
      } finally {
        await keycloak.stop();
      }
    },
  );
});
