import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { createKeycloakAdminClient } from './createKeycloakAdminClient';

/** A token endpoint and a users endpoint, enough to see the real client's requests. */
async function startFakeTokenEndpoint() {
  const requests: {
    method?: string;
    url?: string;
    body: string;
    auth?: string;
  }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        body,
        auth: req.headers.authorization,
      });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/realms/master/protocol/openid-connect/token') {
        // The client may send its credentials in the body or as HTTP Basic.
        const basic = Buffer.from(
          (req.headers.authorization ?? '').replace(/^Basic /, ''),
          'base64',
        ).toString();
        if (
          !body.includes('client_secret=right') &&
          basic !== 'backstage:right'
        ) {
          res.statusCode = 401;
          res.end(JSON.stringify({ error: 'unauthorized_client' }));
          return;
        }
        res.end(
          JSON.stringify({
            access_token: 'access-1',
            expires_in: 60,
            token_type: 'Bearer',
          }),
        );
        return;
      }
      if (req.url?.startsWith('/admin/realms/dev/users/count')) {
        res.end('42');
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, requests, baseUrl: `http://127.0.0.1:${port}` };
}

describe('createKeycloakAdminClient', () => {
  it('authenticates in the login realm and then reads the target realm', async () => {
    const fake = await startFakeTokenEndpoint();
    try {
      const client = await createKeycloakAdminClient({
        baseUrl: `${fake.baseUrl}/`,
        realm: 'dev',
        loginRealm: 'master',
        clientId: 'backstage',
        clientSecret: 'right',
      });
      await expect(client.users.count()).resolves.toBe(42);
      expect(fake.requests[0].body).toContain('grant_type=client_credentials');
      expect(fake.requests[1]).toMatchObject({
        method: 'GET',
        auth: 'Bearer access-1',
      });
      expect(fake.requests[1].url).toMatch(
        /^\/admin\/realms\/dev\/users\/count/,
      );
    } finally {
      fake.server.close();
    }
  });

  it('reports a refused client without leaking the secret', async () => {
    const fake = await startFakeTokenEndpoint();
    try {
      const attempt = createKeycloakAdminClient({
        baseUrl: fake.baseUrl,
        realm: 'dev',
        loginRealm: 'master',
        clientId: 'backstage',
        clientSecret: 'wrong-secret-value',
      });
      await expect(attempt).rejects.toThrow(
        /refused client "backstage" in realm "master" \(HTTP 401\): check keycloak\.clientId/,
      );
      await expect(attempt).rejects.not.toThrow(/wrong-secret-value/);
    } finally {
      fake.server.close();
    }
  });
});
