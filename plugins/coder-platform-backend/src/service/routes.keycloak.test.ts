import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { coderPlatformPlugin } from '../plugin';
import { fakeKeycloak, FakeUser } from './__testUtils__/fakeKeycloak';

const SECRET = 'kc-secret-value-1';

/** 12 users: 3 disabled (i % 4 == 0), 4 unverified (i % 3 == 0). */
const USERS: FakeUser[] = Array.from({ length: 12 }, (_, i) => ({
  id: `id-${i}`,
  username: `user${i}`,
  enabled: i % 4 !== 0,
  emailVerified: i % 3 !== 0,
}));

describe('coder-platform Keycloak routes', () => {
  let kc: Awaited<ReturnType<typeof fakeKeycloak>>;

  beforeEach(async () => {
    kc = await fakeKeycloak(USERS);
  });

  afterEach(async () => {
    await kc.close();
  });

  async function start(
    keycloak: { concurrency?: number; timeoutSeconds?: number } = {},
  ) {
    const { server } = await startTestBackend({
      features: [
        coderPlatformPlugin,
        mockServices.rootConfig.factory({
          data: {
            coderPlatform: {
              refresh: { enabled: false },
              upstreams: { keycloak },
              clusters: [
                {
                  name: 'dev',
                  keycloak: {
                    baseUrl: kc.baseUrl,
                    realm: 'dev',
                    clientId: 'backstage',
                    clientSecret: SECRET,
                  },
                },
              ],
            },
          },
        }),
        mockServices.permissions.factory(),
      ],
    });
    return server;
  }

  it.each<[string, number, Record<string, boolean>]>([
    ['enabled=false', 3, { enabled: false }],
    ['emailVerified=false', 4, { emailVerified: false }],
    [
      'enabled=true&emailVerified=true',
      6,
      { enabled: true, emailVerified: true },
    ],
  ])(
    'filters users on %s, in the page and its count',
    async (query, total, echoed) => {
      const server = await start();
      const response = await request(server).get(
        `/api/coder-platform/clusters/dev/keycloak/users?${query}&max=50`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ total, ...echoed });
      expect(response.body.items).toHaveLength(total);
      const sent = kc.requests.filter(r => r.includes('/users'));
      expect(sent).toHaveLength(2);
      for (const line of sent) {
        for (const part of query.split('&')) expect(line).toContain(part);
      }
    },
  );

  it.each([
    [
      '/clusters/dev/keycloak/users?enabled=yes',
      /"enabled" must be true or false/,
    ],
    [
      '/clusters/dev/keycloak/users?emailVerified=1',
      /"emailVerified" must be true or false/,
    ],
    [
      '/clusters/dev/keycloak/users?search=%00',
      /"search" must not contain control characters/,
    ],
    [
      '/clusters/dev/keycloak/users?search=a%0Ab',
      /"search" must not contain control characters/,
    ],
    [
      '/clusters/dev/keycloak/users?enabled=true&enabled=false',
      /"enabled" must be given once/,
    ],
    [
      '/clusters/dev/keycloak/users?search=a&search=b',
      /"search" must be given once/,
    ],
    ['/clusters/dev/keycloak/users?max=5&max=6', /"max" must be given once/],
    ['/clusters/dev/keycloak/users?foo=1', /Unknown query parameter "foo"/],
    [
      '/clusters/dev/keycloak/summary?enabled=false',
      /Unknown query parameter "enabled"; this route accepts no query parameters/,
    ],
    [
      '/clusters/dev/keycloak/users/id-1/groups?first=0',
      /Unknown query parameter "first"/,
    ],
    ['/clusters?foo=1&bar=2', /Unknown query parameters "foo", "bar"/],
    [
      '/clusters/dev/backups/postgres?refresh=true',
      /Unknown query parameter "refresh"/,
    ],
  ])('GET %s → 400 before Keycloak is asked', async (path, message) => {
    const server = await start();
    const response = await request(server).get(`/api/coder-platform${path}`);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
    expect(kc.requests).toEqual([]);
  });

  it('answers 404 naming the user for the groups of an unknown user id', async () => {
    const server = await start();
    const known = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users/id-3/groups',
    );
    expect(known.status).toBe(200);
    expect(known.body.items).toEqual([
      { id: 'g1', name: 'developers', path: '/developers' },
    ]);
    const response = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users/no-such-user/groups',
    );
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      'No user with id "no-such-user" in realm "dev" of cluster dev',
    );
  });

  it('answers 503 with an actionable, redacted message when Keycloak fails the groups request', async () => {
    const server = await start();
    kc.fail(
      500,
      JSON.stringify({
        error: `database said client_secret=${SECRET} is wrong`,
      }),
    );
    const response = await request(server).get(
      '/api/coder-platform/clusters/dev/keycloak/users/id-1/groups',
    );
    expect(response.status).toBe(503);
    expect(response.body.error.message).toMatch(
      /^keycloak of cluster dev could not list the groups of user "id-1": .*HTTP 500.*see its server log/,
    );
    expect(response.text).not.toContain(SECRET);
  });

  it('keeps the bound at a hanging Keycloak: six uncached pages, limit 2, never more than 2 open requests, all closed after their budget', async () => {
    const server = await start({ concurrency: 2, timeoutSeconds: 0.3 });
    kc.hang();
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        request(server).get(
          `/api/coder-platform/clusters/dev/keycloak/users?first=${i}`,
        ),
      ),
    );
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(response.body.error.message).toMatch(
        /^keycloak of cluster dev is unavailable and nothing is cached: keycloak: no answer within 0 s/,
      );
    }
    while (kc.open() > 0) await new Promise(resolve => setTimeout(resolve, 5));
    expect(kc.peak()).toBeLessThanOrEqual(2);
    expect(kc.requests.length).toBeGreaterThan(0);
    // Every request Keycloak received was closed by the backend.
    expect(kc.closed()).toBe(kc.requests.length);
  });
});
