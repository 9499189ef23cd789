import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { createKeycloakAdminPasswordClient } from './createKeycloakAdminPasswordClient';

const PASSWORD = 'admin-password-value-9';

describe('createKeycloakAdminPasswordClient', () => {
  it('names the status and what to check, never the upstream message (it may quote the password)', async () => {
    const server = createServer((_req, res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          error: 'invalid_grant',
          error_description: `bad password ${PASSWORD}`,
          errorMessage: `password=${PASSWORD} refused`,
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const attempt = createKeycloakAdminPasswordClient({
        baseUrl: `http://127.0.0.1:${port}`,
        username: 'admin',
        password: PASSWORD,
      });
      const error: Error = await attempt.then(
        () => {
          throw new Error('the login was not refused');
        },
        e => e,
      );
      // The whole message is ours: nothing of Keycloak's answer is quoted.
      expect(error.message).toBe(
        `Keycloak at http://127.0.0.1:${port} refused admin "admin" in realm "master" (HTTP 401): check the admin user and admin password`,
      );
      expect(`${error.stack}\n${String(error.cause)}`).not.toContain(PASSWORD);
      expect(error.stack).not.toContain('invalid_grant');
    } finally {
      server.close();
    }
  });

  it('names the network error code when Keycloak cannot be reached', async () => {
    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    await expect(
      createKeycloakAdminPasswordClient({
        baseUrl: `http://127.0.0.1:${port}`,
        username: 'admin',
        password: PASSWORD,
      }),
    ).rejects.toThrow(
      `Keycloak at http://127.0.0.1:${port} could not be reached to log in admin "admin" (ECONNREFUSED): check the Keycloak URL and that it is reachable from the backend`,
    );
  });
});
