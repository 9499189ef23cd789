import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { KeycloakRequestError, KeycloakUsers } from './KeycloakUsers';

function jwt(expSeconds: number) {
  const b64 = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ exp: expSeconds })}.sig`;
}

const NOW = Date.parse('2026-11-28T00:00:00Z');
const DAY = 86_400_000;

/** 2 users created within 7 days, 7 within 30. */
function ageDays(i: number): number {
  if (i < 2) return 3;
  return i < 7 ? 20 : 60;
}

/** Twelve regular users with distinct filter counts, plus a service account. */
const USERS = [
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `id-${i}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    enabled: i % 4 !== 0, // 3 disabled
    emailVerified: i % 3 !== 0, // 4 unverified
    createdTimestamp: NOW - ageDays(i) * DAY,
    serviceAccount: false,
  })),
  {
    id: 'id-sa',
    username: 'service-account-backstage',
    enabled: true,
    emailVerified: false,
    createdTimestamp: NOW - DAY,
    serviceAccount: true,
  },
];

/**
 * Keycloak's token, users and users/count endpoints over {@link USERS}, with
 * its filter rules: `search` (substring, `*` = every regular user),
 * `enabled`, `emailVerified`, `createdAfter`; an attribute filter without a
 * search includes service accounts, as the real server does.
 */
function matching(params: URLSearchParams) {
  const search = params.get('search');
  const filtered = ['enabled', 'emailVerified', 'createdAfter'].some(k =>
    params.has(k),
  );
  return USERS.filter(u => {
    if (u.serviceAccount && (search !== null || !filtered)) return false;
    if (search !== null && search !== '*' && !u.username.includes(search)) {
      return false;
    }
    if (params.has('enabled') && String(u.enabled) !== params.get('enabled')) {
      return false;
    }
    if (
      params.has('emailVerified') &&
      String(u.emailVerified) !== params.get('emailVerified')
    ) {
      return false;
    }
    if (
      params.has('createdAfter') &&
      u.createdTimestamp < Number(params.get('createdAfter'))
    ) {
      return false;
    }
    return true;
  });
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
    if (url.pathname.startsWith('/admin/realms/dev/users')) {
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
    }
    if (url.pathname === '/admin/realms/dev/users/count') {
      res.end(String(matching(url.searchParams).length));
      return;
    }
    if (url.pathname.replace(/\/$/, '') === '/admin/realms/dev/users') {
      const first = Number(url.searchParams.get('first') ?? 0);
      const max = Number(url.searchParams.get('max') ?? 100);
      res.end(
        JSON.stringify(
          matching(url.searchParams)
            .slice(first, first + max)
            .map(({ serviceAccount, ...u }) => u),
        ),
      );
      return;
    }
    const groups = /^\/admin\/realms\/dev\/users\/([^/]+)\/groups$/.exec(
      url.pathname,
    );
    if (groups) {
      if (!USERS.some(u => u.id === groups[1])) {
        res.statusCode = 404;
        res.end('{"error":"User not found"}');
        return;
      }
      res.end('[{"id":"g1","name":"developers","path":"/developers"}]');
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
      const summary = await users.summary(new Date(NOW));
      // Every field its own count: a mix-up of two filters changes a number.
      expect(summary).toEqual({
        realm: 'dev',
        total: 12,
        unverified: 4,
        disabled: 3,
        createdLast7Days: 2,
        createdLast30Days: 7,
        evaluatedAt: '2026-11-28T00:00:00.000Z',
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
      await expect(users.summary()).resolves.toMatchObject({ total: 12 });
      expect(ops).toHaveLength(15);
    } finally {
      kc.close();
    }
  });

  it.each<[string, object, number, string[]]>([
    ['no filter', {}, 12, []],
    ['enabled=false', { enabled: false }, 3, ['search=*', 'enabled=false']],
    [
      'emailVerified=false (the service account left out)',
      { emailVerified: false },
      4,
      ['search=*', 'emailVerified=false'],
    ],
    [
      'enabled and emailVerified',
      { enabled: true, emailVerified: true },
      6,
      ['enabled=true', 'emailVerified=true'],
    ],
    [
      'search with a filter',
      { search: 'user1', enabled: true },
      3,
      ['search=user1', 'enabled=true'],
    ],
  ])(
    'lists and counts under the same filters: %s',
    async (_label, filter, total, params) => {
      const kc = await fakeKeycloak({ tokenLifetimeSeconds: 300 });
      try {
        const users = new KeycloakUsers(access(kc.baseUrl));
        const page = await users.list({ ...filter, max: 100 });
        expect(page.total).toBe(total);
        expect(page.items).toHaveLength(total);
        const sent = kc.log.filter(l => l.includes('/admin/realms/dev/users'));
        expect(sent).toHaveLength(2);
        for (const line of sent) {
          for (const param of params) expect(line).toContain(param);
        }
      } finally {
        kc.close();
      }
    },
  );

  it('reports an unknown user as a 404 with an actionable message', async () => {
    const kc = await fakeKeycloak({ tokenLifetimeSeconds: 300 });
    try {
      const users = new KeycloakUsers(access(kc.baseUrl));
      await expect(users.groups('id-3')).resolves.toEqual([
        { id: 'g1', name: 'developers', path: '/developers' },
      ]);
      const failure = users.groups('no-such-user');
      await expect(failure).rejects.toBeInstanceOf(KeycloakRequestError);
      await expect(failure).rejects.toMatchObject({
        status: 404,
        message: expect.stringMatching(
          /users\.listGroups in realm "dev" failed \(HTTP 404\).*does not exist/,
        ),
      });
    } finally {
      kc.close();
    }
  });

  it('sends no request once the call is aborted, and every request through the gate', async () => {
    const kc = await fakeKeycloak({ tokenLifetimeSeconds: 300 });
    try {
      const users = new KeycloakUsers(access(kc.baseUrl));
      const gated: string[] = [];
      const controller = new AbortController();
      await users.list(
        { max: 5 },
        {
          signal: controller.signal,
          gate: (operation, request) => {
            gated.push(operation);
            return request(controller.signal);
          },
        },
      );
      expect(gated.sort()).toEqual(['token', 'users.count', 'users.find']);
      const before = kc.log.length;
      controller.abort(new Error('budget spent'));
      await expect(
        users.list({ max: 5 }, { signal: controller.signal }),
      ).rejects.toThrow('budget spent');
      expect(kc.log.length).toBe(before);
    } finally {
      kc.close();
    }
  });
});
