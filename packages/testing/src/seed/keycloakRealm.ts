/**
 * Seeds a realm on the real Keycloak server (the peers' `keycloak`) the way the
 * portal sees production: a confidential client with service-account roles
 * view-users/query-users/query-groups, groups, and N users with a known mix of
 * unverified, disabled and recently created accounts. Users go in through
 * `partialImport` (500 per request), which keeps `createdTimestamp`.
 */

export interface SeedKeycloakRealmOptions {
  baseUrl: string;
  adminUser: string;
  adminPassword: string;
  realm: string;
  /** Number of regular users. Default 40. */
  users?: number;
  /** Reference time for `createdTimestamp`. Default now. */
  now?: Date;
  clientId?: string;
  clientSecret?: string;
}

export interface SeededKeycloakRealm {
  realm: string;
  clientId: string;
  clientSecret: string;
  groups: string[];
  /** What the realm summary must report (regular users only). */
  expected: {
    total: number;
    unverified: number;
    disabled: number;
    createdLast7Days: number;
    createdLast30Days: number;
  };
  /** Username of a user in groups `developers` and `grafana-dev`. */
  userWithGroups: string;
  /** Deletes the realm. */
  remove(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** The seeded user at index `i`: deterministic, so tests can compute expectations. */
export function seededUser(i: number, now: Date) {
  const name = `user${String(i).padStart(5, '0')}`;
  // Ages cycle over 0..89 days (plus an hour, so boundaries are never hit).
  const ageDays = i % 90;
  const groups = [
    ...(i % 3 === 0 ? ['/developers'] : []),
    ...(i % 6 === 0 ? ['/grafana-dev'] : []),
    ...(i % 50 === 0 ? ['/grafana-admin'] : []),
  ];
  const unverified = i % 10 === 1;
  return {
    username: name,
    email: `${name}@example.com`,
    firstName: 'User',
    lastName: String(i),
    enabled: i % 25 !== 2,
    emailVerified: !unverified,
    requiredActions: unverified ? ['VERIFY_EMAIL'] : [],
    createdTimestamp: now.getTime() - ageDays * DAY_MS - 3600_000,
    groups,
    ageDays,
  };
}

async function adminToken(options: SeedKeycloakRealmOptions): Promise<string> {
  const response = await fetch(
    `${options.baseUrl}/realms/master/protocol/openid-connect/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'admin-cli',
        grant_type: 'password',
        username: options.adminUser,
        password: options.adminPassword,
      }),
    },
  );
  if (!response.ok) {
    throw new Error(
      `keycloak: admin login failed with HTTP ${response.status}`,
    );
  }
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function seedKeycloakRealm(
  options: SeedKeycloakRealmOptions,
): Promise<SeededKeycloakRealm> {
  const now = options.now ?? new Date();
  const count = options.users ?? 40;
  const clientId = options.clientId ?? 'backstage';
  const clientSecret =
    options.clientSecret ?? `seed-${Math.random().toString(36).slice(2)}`;
  let token = await adminToken(options);
  let tokenAt = Date.now();
  const admin = async (method: string, path: string, body?: unknown) => {
    // Admin tokens of the master realm live 60 s: renew before each late call.
    if (Date.now() - tokenAt > 30_000) {
      token = await adminToken(options);
      tokenAt = Date.now();
    }
    const response = await fetch(`${options.baseUrl}/admin/realms${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok && !(method === 'DELETE' && response.status === 404)) {
      throw new Error(
        `keycloak: ${method} ${path} failed with HTTP ${
          response.status
        }: ${await response.text()}`,
      );
    }
    return response;
  };

  await admin('DELETE', `/${options.realm}`);
  const groups = ['developers', 'grafana-dev', 'grafana-admin'];
  await admin('POST', '', {
    realm: options.realm,
    enabled: true,
    registrationAllowed: true,
    registrationEmailAsUsername: false,
    verifyEmail: true,
    groups: groups.map(name => ({ name })),
    clients: [
      {
        clientId,
        secret: clientSecret,
        publicClient: false,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: false,
      },
    ],
    users: [
      {
        username: `service-account-${clientId}`,
        enabled: true,
        serviceAccountClientId: clientId,
        clientRoles: {
          'realm-management': ['view-users', 'query-users', 'query-groups'],
        },
      },
    ],
  });

  const users = Array.from({ length: count }, (_, i) => seededUser(i, now));
  for (let i = 0; i < users.length; i += 500) {
    await admin('POST', `/${options.realm}/partialImport`, {
      ifResourceExists: 'OVERWRITE',
      users: users
        .slice(i, i + 500)
        .map(({ ageDays: _ageDays, ...user }) => user),
    });
  }

  return {
    realm: options.realm,
    clientId,
    clientSecret,
    groups,
    expected: {
      total: count,
      unverified: users.filter(u => !u.emailVerified).length,
      disabled: users.filter(u => !u.enabled).length,
      createdLast7Days: users.filter(u => u.ageDays < 7).length,
      createdLast30Days: users.filter(u => u.ageDays < 30).length,
    },
    userWithGroups: seededUser(0, now).username,
    remove: async () => {
      await admin('DELETE', `/${options.realm}`);
    },
  };
}
