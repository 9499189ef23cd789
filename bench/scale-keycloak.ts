/*
 * Issue 13, bench 2: `keycloak/users` and `keycloak/summary` through a real
 * backend replica (its own process, PostgreSQL + Redis peers) on a real
 * Keycloak realm of 20,000 users, against one direct admin-API call for the
 * same page; Keycloak requests per page; 20 concurrent viewers, with the
 * number of requests in flight at Keycloak (counted by a proxy in front of
 * it) against the configured bound.
 *
 *   bash scripts/peers/peers.sh up postgres keycloak redis
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/scale-keycloak.ts [users]
 */
import {
  RecordingPrefixProxy,
  requirePeer,
  seedKeycloakRealm,
  startReplica,
} from '@coder-platform/testing';
import { randomBytes } from 'node:crypto';
import { percentile, report, Row } from './lib/report';

const PAGE = 50;
const SAMPLES = 40;
const VIEWERS = 20;
const BOUND = 2;

async function main() {
  const kc = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  const users = Number(process.argv[2] ?? 20_000);
  let t = Date.now();
  const realm = await seedKeycloakRealm({
    baseUrl: kc.PEERS_KEYCLOAK_URL,
    adminUser: kc.PEERS_KEYCLOAK_ADMIN_USER,
    adminPassword: kc.PEERS_KEYCLOAK_ADMIN_PASSWORD,
    realm: `scale-${Date.now().toString(36)}`,
    users,
  });
  const seedSeconds = Math.round((Date.now() - t) / 1000);
  const proxy = await RecordingPrefixProxy.start(kc.PEERS_KEYCLOAK_URL);
  const run = randomBytes(4).toString('hex');
  const replica = await startReplica({
    name: 'bench',
    databasePrefix: `bench_${run}_`,
    cacheNamespace: `bench-${run}`,
    coderPlatform: {
      refresh: { enabled: false },
      upstreams: { keycloak: { concurrency: BOUND, timeoutSeconds: 30 } },
      clusters: [
        {
          name: 'bench',
          keycloak: {
            baseUrl: proxy.urlFor('kc'),
            realm: realm.realm,
            clientId: realm.clientId,
            clientSecret: realm.clientSecret,
          },
        },
      ],
    },
  });
  const rows: Row[] = [];
  try {
    const route = (path: string) =>
      replica.get(`/api/coder-platform/clusters/bench/keycloak/${path}`);
    const timedRoute = async (path: string) => {
      const before = proxy.requests.length;
      const start = performance.now();
      const answer = await route(path);
      if (answer.status !== 200) {
        throw new Error(
          `${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
      return {
        ms: performance.now() - start,
        requests: proxy.requests.length - before,
      };
    };
    // The backend's first call also fetches a token: keep it out of the samples.
    await timedRoute(`users?first=0&max=${PAGE}`);

    const offsets = Array.from({ length: SAMPLES }, (_, i) =>
      Math.floor(((i + 1) * (users - PAGE)) / (SAMPLES + 1)),
    );
    const cold: number[] = [];
    const coldRequests: number[] = [];
    for (const first of offsets) {
      const r = await timedRoute(`users?first=${first}&max=${PAGE}`);
      cold.push(r.ms);
      coldRequests.push(r.requests);
    }
    const warm: number[] = [];
    const warmRequests: number[] = [];
    for (const first of offsets) {
      const r = await timedRoute(`users?first=${first}&max=${PAGE}`);
      warm.push(r.ms);
      warmRequests.push(r.requests);
    }

    // One direct admin-API call per page, with the same client's token.
    const token = await (
      await fetch(
        `${kc.PEERS_KEYCLOAK_URL}/realms/${realm.realm}/protocol/openid-connect/token`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: realm.clientId,
            client_secret: realm.clientSecret,
          }),
        },
      )
    ).json();
    const direct: number[] = [];
    for (const first of offsets) {
      const start = performance.now();
      const response = await fetch(
        `${kc.PEERS_KEYCLOAK_URL}/admin/realms/${realm.realm}/users?first=${first}&max=${PAGE}&briefRepresentation=true`,
        { headers: { authorization: `Bearer ${token.access_token}` } },
      );
      await response.json();
      direct.push(performance.now() - start);
    }

    const summaryCold = await timedRoute('summary');
    const summaryWarm = await timedRoute('summary');

    // 20 concurrent viewers, each on a page nobody has read yet.
    proxy.resetPeak();
    const requestsBefore = proxy.requests.length;
    const start = performance.now();
    const viewers = await Promise.all(
      Array.from({ length: VIEWERS }, (_, i) =>
        timedRoute(`users?first=${i * PAGE + 7}&max=${PAGE}&search=user`),
      ),
    );
    const concurrentWall = performance.now() - start;
    const concurrentRequests = proxy.requests.length - requestsBefore;
    const viewerMs = viewers.map(v => v.ms);

    const fmt = (n: number) => n.toFixed(0);
    rows.push(
      {
        measurement: `page of ${PAGE}, our route, cold (${SAMPLES} distinct pages)`,
        p50_ms: fmt(percentile(cold, 50)),
        p95_ms: fmt(percentile(cold, 95)),
        keycloak_requests_per_call: percentile(coldRequests, 50),
      },
      {
        measurement: `page of ${PAGE}, our route, warm (same pages again)`,
        p50_ms: fmt(percentile(warm, 50)),
        p95_ms: fmt(percentile(warm, 95)),
        keycloak_requests_per_call: percentile(warmRequests, 50),
      },
      {
        measurement: `page of ${PAGE}, one direct admin-API call (lower bound)`,
        p50_ms: fmt(percentile(direct, 50)),
        p95_ms: fmt(percentile(direct, 95)),
        keycloak_requests_per_call: 1,
      },
      {
        measurement: 'realm summary, our route, cold',
        p50_ms: fmt(summaryCold.ms),
        p95_ms: '-',
        keycloak_requests_per_call: summaryCold.requests,
      },
      {
        measurement: 'realm summary, our route, warm',
        p50_ms: fmt(summaryWarm.ms),
        p95_ms: '-',
        keycloak_requests_per_call: summaryWarm.requests,
      },
      {
        measurement: `${VIEWERS} concurrent viewers (distinct searched pages), per viewer`,
        p50_ms: fmt(percentile(viewerMs, 50)),
        p95_ms: fmt(percentile(viewerMs, 95)),
        keycloak_requests_per_call: (concurrentRequests / VIEWERS).toFixed(1),
      },
    );
    report({
      title: `Keycloak users and summary, ${users.toLocaleString(
        'en',
      )}-user realm`,
      command: `node --require @backstage/cli/config/nodeTransform.cjs bench/scale-keycloak.ts ${users}`,
      rows,
      notes: [
        `Realm seeded by partialImport in ${seedSeconds} s; real Keycloak ${
          process.env.PEERS_KEYCLOAK_VERSION ?? '(peers)'
        }; backend replica on PostgreSQL + Redis peers.`,
        `Ratio our route / direct call, cold p50: ${(
          percentile(cold, 50) / percentile(direct, 50)
        ).toFixed(2)}.`,
        `${VIEWERS} concurrent viewers: peak ${
          proxy.peakInFlight
        } requests in flight at Keycloak (configured bound ${BOUND}); all answered in ${fmt(
          concurrentWall,
        )} ms.`,
      ],
    });
  } finally {
    await replica.kill();
    await proxy.stop();
    await realm.remove();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
