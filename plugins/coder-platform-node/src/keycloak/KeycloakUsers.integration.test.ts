import {
  requirePeer,
  seedKeycloakRealm,
  SeededKeycloakRealm,
  seededUser,
} from '@coder-platform/testing';
import { KeycloakRequestError, KeycloakUsers } from './KeycloakUsers';

describe('KeycloakUsers against the real Keycloak server', () => {
  const peer = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  let seeded: SeededKeycloakRealm;
  let users: KeycloakUsers;
  const requests: string[] = [];

  beforeAll(async () => {
    seeded = await seedKeycloakRealm({
      baseUrl: peer.PEERS_KEYCLOAK_URL,
      adminUser: peer.PEERS_KEYCLOAK_ADMIN_USER,
      adminPassword: peer.PEERS_KEYCLOAK_ADMIN_PASSWORD,
      realm: `kcusers-${Date.now()}`,
      users: 120,
    });
    users = new KeycloakUsers(
      {
        baseUrl: peer.PEERS_KEYCLOAK_URL,
        realm: seeded.realm,
        clientId: seeded.clientId,
        clientSecret: seeded.clientSecret,
      },
      { onRequest: op => requests.push(op) },
    );
  }, 120_000);

  afterAll(async () => {
    await seeded?.remove();
  }, 60_000);

  it('summarises the realm with five count requests', async () => {
    requests.length = 0;
    const summary = await users.summary();
    expect(summary).toMatchObject({ realm: seeded.realm, ...seeded.expected });
    expect(requests).toHaveLength(5);
  });

  it('pages users with requiredActions, and searches', async () => {
    const page = await users.list({ first: 10, max: 5 });
    expect(page.total).toBe(seeded.expected.total);
    expect(page.items.map(u => u.username)).toEqual([
      'user00010',
      'user00011',
      'user00012',
      'user00013',
      'user00014',
    ]);
    expect(page.items[1]).toMatchObject({
      email: 'user00011@example.com',
      emailVerified: false,
      enabled: true,
      requiredActions: ['VERIFY_EMAIL'],
    });
    expect(page.items[1].createdTimestamp).toEqual(expect.any(Number));
    const disabled = await users.list({ search: 'user00027' });
    expect(disabled.items).toEqual([
      expect.objectContaining({ username: 'user00027', enabled: false }),
    ]);

    const found = await users.list({ search: 'user0011' });
    expect(found.total).toBe(10);
    expect(found.items.every(u => u.username.startsWith('user0011'))).toBe(
      true,
    );
  });

  it.each<[string, { enabled?: boolean; emailVerified?: boolean }]>([
    ['enabled=false', { enabled: false }],
    ['enabled=true', { enabled: true }],
    ['emailVerified=false', { emailVerified: false }],
    [
      'enabled=true&emailVerified=false',
      { enabled: true, emailVerified: false },
    ],
  ])(
    'filters the page and its count on %s (regular users only)',
    async (_label, filter) => {
      const now = new Date();
      const expected = Array.from({ length: 120 }, (_, i) => seededUser(i, now))
        .filter(
          u =>
            (filter.enabled === undefined || u.enabled === filter.enabled) &&
            (filter.emailVerified === undefined ||
              u.emailVerified === filter.emailVerified),
        )
        .map(u => u.username);
      const page = await users.list({ ...filter, max: 100 });
      expect(page.total).toBe(expected.length);
      expect(page.items.map(u => u.username).sort()).toEqual(
        expected.slice(0, 100).sort(),
      );
      for (const user of page.items) {
        expect(user).toMatchObject(filter);
      }
    },
  );

  it('agrees with the summary on disabled and unverified users', async () => {
    const disabled = await users.list({ enabled: false, max: 1 });
    const unverified = await users.list({ emailVerified: false, max: 1 });
    expect(disabled.total).toBe(seeded.expected.disabled);
    expect(unverified.total).toBe(seeded.expected.unverified);
  });

  it('reports an unknown user id as a 404', async () => {
    await expect(
      users.groups('00000000-0000-0000-0000-000000000000'),
    ).rejects.toEqual(expect.any(KeycloakRequestError));
    await expect(
      users.groups('00000000-0000-0000-0000-000000000000'),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('caps the page size at 100', async () => {
    const page = await users.list({ max: 1000 });
    expect(page.items).toHaveLength(100);
  });

  it("lists one user's groups on demand", async () => {
    const [user] = (await users.list({ search: seeded.userWithGroups })).items;
    const groups = await users.groups(user.id);
    expect(groups.map(g => g.path).sort()).toEqual([
      '/developers',
      '/grafana-admin',
      '/grafana-dev',
    ]);
  });

  it('reports a refused client without its secret', async () => {
    const wrong = new KeycloakUsers({
      baseUrl: peer.PEERS_KEYCLOAK_URL,
      realm: seeded.realm,
      clientId: seeded.clientId,
      clientSecret: 'not-the-secret',
    });
    const attempt = wrong.summary();
    await expect(attempt).rejects.toThrow(/refused client "backstage"/);
    await expect(attempt).rejects.not.toThrow(/not-the-secret/);
  });
});
