import { ConfigReader } from '@backstage/config';
import { createHttpWaitAction } from './httpWait';
import { mockContext } from './__testUtils__/context';
import { keycloakPeer } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('http:wait against the local Keycloak', () => {
  const { env } = keycloakPeer();
  const action = createHttpWaitAction({ config: new ConfigReader({}) });
  const run = async (input: Record<string, unknown>) => {
    const ctx = mockContext({ intervalSeconds: 0.2, ...input });
    await action.handler(ctx);
    return Object.fromEntries(ctx.output.mock.calls);
  };

  it("answers once Keycloak's master realm does, as the realm setup needs", async () => {
    expect(
      await run({ url: `${env.PEERS_KEYCLOAK_URL}/realms/master` }),
    ).toEqual({ status: 200, attempts: 1 });
  });

  it('gives up on a realm that does not exist, naming the 404', async () => {
    await expect(
      run({
        url: `${env.PEERS_KEYCLOAK_URL}/realms/does-not-exist`,
        attempts: 2,
      }),
    ).rejects.toThrow('after 2 attempts; last: HTTP 404');
  });
});
