import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { KeycloakUsers } from './KeycloakUsers';

function jwt(expSeconds: number) {
  const b64 = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ exp: expSeconds })}.sig`;
}

/** Keycloak's token and users endpoints, enough to watch the real admin client. */
async function fakeKeycloak(options: {
  tokenLifetimeSeconds: number;
  revokeAfter?: number;
}) {
  const log: string[] = [];
  let issued = 0;
  let usersCalls = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/realms/dev/protocol/openid-connect/token') {
      issued += 1;
      res.end(
        JSON.stringify({
          access_token: `${jwt(
            Date.now() / 1000 + options.tokenLifetimeSeconds,
          )}-${issued}`,
          expires_in: options.tokenLifetimeSeconds,
        }),
      );
      return;
    }
    if (url.pathname === '/admin/realms/dev/users/count') {
      usersCalls += 1;
      if (
        options.revokeAfter !== undefined &&
        usersCalls > options.revokeAfter &&
        !req.headers.authorization?.endsWith(`-${issued}`)
      ) {
        res.statusCode = 401;
        res.end('{"error":"HTTP 401 Unauthorized"}');
        return;
      }
      res.end(url.searchParams.get('search') === '*' ? '7' : '9');
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log,
    tokens: () => issued,
    revokeAll: () => {
      issued += 1;
    },
    close: () => server.close(),
  };
}

const access = (baseUrl: string) => ({
  baseUrl,
  realm: 'dev',
  clientId: 'backstage',
  clientSecret: 'kc-secret-value',
});

describe('KeycloakUsers', () => {
  it('counts with search=* on every filtered count, and reuses the token', async () => {
    const kc = await fakeKeycloak({ tokenLifetimeSeconds: 300 });
    try {
      const users = new KeycloakUsers(access(kc.baseUrl));
      const summary = await users.summary(new Date('2026-11-28T00:00:00Z'));
      expect(summary).toMatchObject({
        total: 7,
        unverified: 7,
        disabled: 7,
        createdLast7Days: 7,
        createdLast30Days: 7,
      });
      const counts = kc.log.filter(l => l.includes('/users/count'));
      expect(counts).toHaveLength(5);
      expect(counts.every(l => l.includes('search=*'))).toBe(true);
      expect(
        counts.some(l =>
          l.includes(`createdAfter=${Date.parse('2026-11-21T00:00:00Z')}`),
        ),
      ).toBe(true);
      await users.summary();
      expect(kc.tokens()).toBe(1);
    } finally {
      kc.close();
    }
  });

  it('authenticates again before the token expires', async () => {
    const kc = await fakeKeycloak({ tokenLifetimeSeconds: 20 });
    try {
      const users = new KeycloakUsers(access(kc.baseUrl), {
        refreshMarginMs: 30_000,
      });
      await users.summary();
      await users.summary();
      expect(kc.tokens()).toBe(2);
    } finally {
      kc.close();
    }
  });

  it('authenticates once more when Keycloak answers 401, and counts each request', async () => {
    const kc = await fakeKeycloak({
      tokenLifetimeSeconds: 300,
      revokeAfter: 5,
    });
    try {
      const ops: string[] = [];
      const users = new KeycloakUsers(access(kc.baseUrl), {
        onRequest: op => ops.push(op),
      });
      await users.summary();
      kc.revokeAll();
      await expect(users.summary()).resolves.toMatchObject({ total: 7 });
      expect(ops).toHaveLength(15);
    } finally {
      kc.close();
    }
  });
});
