import { ConfigReader } from '@backstage/config';
import { createKeycloakClientAction } from './keycloakClient';
import { examples } from './keycloakClient.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import {
  fakeKeycloakBlock,
  startFakeKeycloak,
} from './__testUtils__/fakeKeycloak';
import { kubeClusterEntry } from './__testUtils__/fakeKube';

describe('keycloak:client examples (as written, dry run)', () => {
  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s": logs in as the configured admin, reads the client, writes nothing',
    async (_description, example) => {
      const keycloak = await startFakeKeycloak();
      try {
        const action = createKeycloakClientAction({
          config: new ConfigReader({
            coderPlatform: {
              clusters: [
                kubeClusterEntry('dev', 'http://127.0.0.1:1', {
                  keycloak: fakeKeycloakBlock(keycloak.url),
                }),
              ],
            },
          }),
        });
        const [input] = renderExampleInputs('keycloak:client', example);
        const ctx = mockContext(input, { isDryRun: true });
        await action.handler(ctx);
        expect(ctx.logger.info).toHaveBeenCalledWith(
          `dry run: would create client "${input.clientId}" in realm "${input.realm}" and write its secret to ${input.secret.namespace}/${input.secret.name}`,
        );
        expect(keycloak.requests.map(r => `${r.method} ${r.path}`)).toEqual([
          'POST /realms/master/protocol/openid-connect/token',
          `GET /admin/realms/${input.realm}/clients/?clientId=${input.clientId}`,
        ]);
        expect(keycloak.mutations()).toEqual([]);
      } finally {
        await keycloak.stop();
      }
    },
  );
});
