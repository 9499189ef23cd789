/*
 * Keycloak users on a realm of 5,000 users (real Keycloak from the peers).
 *
 *   bash scripts/peers/peers.sh up keycloak
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/backend-keycloak.ts [users]
 *
 * Prints requests and wall time of the realm summary (five counts), pages at
 * the start and the end of the realm, a search, one user's groups, and, for
 * comparison, a summary computed by paging every user (what the summary avoids).
 */
import { KeycloakUsers } from '@coder-platform/plugin-coder-platform-node';
import { requirePeer, seedKeycloakRealm } from '@coder-platform/testing';

async function timed<T>(
  label: string,
  ops: string[],
  fn: () => Promise<T>,
  show: (t: T) => string,
) {
  const before = ops.length;
  const start = Date.now();
  const result = await fn();
  console.log(
    `${label}: ${show(result)}; ${ops.length - before} Keycloak requests, ${
      Date.now() - start
    } ms`,
  );
  return result;
}

async function main() {
  const kc = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  const count = Number(process.argv[2] ?? 5000);
  let start = Date.now();
  const realm = await seedKeycloakRealm({
    baseUrl: kc.PEERS_KEYCLOAK_URL,
    adminUser: kc.PEERS_KEYCLOAK_ADMIN_USER,
    adminPassword: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    realm: `bench-${Date.now().toString(36)}`,
    users: count,
  });
  console.log(
    `seeded realm ${realm.realm} with ${count} users in ${
      Date.now() - start
    } ms`,
  );
  try {
    const ops: string[] = [];
    const users = new KeycloakUsers(
      {
        baseUrl: kc.PEERS_KEYCLOAK_URL,
        realm: realm.realm,
        clientId: realm.clientId,
        clientSecret: realm.clientSecret,
      },
      { onRequest: op => ops.push(op) },
    );
    await timed(
      'first call (token + summary)',
      ops,
      () => users.summary(),
      s => JSON.stringify({ ...s, evaluatedAt: undefined }),
    );
    for (let i = 0; i < 3; i++) {
      await timed(
        `summary #${i + 2}`,
        ops,
        () => users.summary(),
        s => `total ${s.total}`,
      );
    }
    console.log(`expected: ${JSON.stringify(realm.expected)}`);
    await timed(
      'page first=0 max=100',
      ops,
      () => users.list({ first: 0, max: 100 }),
      p => `${p.items.length} users of ${p.total}`,
    );
    await timed(
      `page first=${count - 100} max=100`,
      ops,
      () => users.list({ first: count - 100, max: 100 }),
      p => `${p.items.length} users`,
    );
    await timed(
      'search "user0420"',
      ops,
      () => users.list({ search: 'user0420', max: 20 }),
      p => `${p.total} matches`,
    );
    const [u] = (await users.list({ search: realm.userWithGroups })).items;
    await timed(
      'groups of one user',
      ops,
      () => users.groups(u.id),
      g => `${g.length} groups`,
    );

    // What the summary avoids: reading every user to count.
    start = Date.now();
    let requests = 0;
    let unverified = 0;
    let seen = 0;
    for (let first = 0; ; first += 100) {
      const page = await users.list({ first, max: 100 });
      requests += 2;
      seen += page.items.length;
      unverified += page.items.filter(x => !x.emailVerified).length;
      if (page.items.length < 100) break;
    }
    console.log(
      `for comparison, paging every user to count: ${seen} users, ${unverified} unverified, ${requests} requests, ${
        Date.now() - start
      } ms`,
    );
  } finally {
    await realm.remove();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
