/*
 * API calls of a no-op re-run of every GCP action: what running a finished
 * bootstrap + cluster template again costs when nothing changed.
 *
 *   bash scripts/peers/peers.sh up gcs      # optional: includes gcp:storage:bucket
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/gcp-noop-rerun.ts
 *
 * Runs the actions of a full project bootstrap + cluster (services, three
 * service accounts, bucket, zone, network, address, records, GKE) against the
 * GCP contract servers (and the GCS emulator, counted through a small proxy),
 * then runs them again and prints the calls of the second run per RPC.
 */
import { ConfigReader } from '@backstage/config';
import {
  GcpContractServer,
  peersEnvFile,
  parsePeersEnv,
} from '@coder-platform/testing';
import { OAuth2Client } from 'google-auth-library';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createGcpActions } from '../plugins/scaffolder-actions/src/actions/gcp';

const noop = () => {};
const logger = {
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  child: () => logger,
};

/** A plain HTTP proxy in front of the GCS emulator that counts requests. */
async function countingProxy(target: string) {
  const counter = { calls: 0 };
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    counter.calls += 1;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    counter,
    port: (server.address() as AddressInfo).port,
    close: () => server.close(),
  };
}

async function main() {
  const gcp = await new GcpContractServer({ pollsToComplete: 1 }).start();
  const env = existsSync(peersEnvFile())
    ? parsePeersEnv(readFileSync(peersEnvFile(), 'utf8'))
    : {};
  const proxy = env.PEERS_GCS_URL
    ? await countingProxy(env.PEERS_GCS_URL)
    : undefined;
  const auth = new OAuth2Client();
  auth.setCredentials({
    access_token: 'bench',
    expiry_date: Date.now() + 3_600_000,
  });
  const config = new ConfigReader({
    coderPlatform: {
      gcp: {
        projectId: 'acme-coder',
        operations: { pollIntervalMs: 1 },
        endpoints: {
          ...gcp.endpointsConfig(),
          ...(proxy
            ? {
                storage: {
                  apiEndpoint: '127.0.0.1',
                  port: proxy.port,
                  plaintext: true,
                },
              }
            : {}),
        },
      },
    },
  });
  const actions = Object.fromEntries(
    createGcpActions({ config, authClient: auth as any }).map(a => [a.id, a]),
  );
  const bucket = `acme-coder-bench-${Date.now()}`;
  const steps: Array<[string, Record<string, unknown>]> = [
    ['gcp:services:enable', {}],
    [
      'gcp:iam:service-account',
      {
        accountId: 'coder-automation',
        projectRoles: ['roles/container.admin', 'roles/compute.networkAdmin'],
      },
    ],
    [
      'gcp:iam:service-account',
      {
        accountId: 'coder-dns',
        projectRoles: ['roles/dns.admin'],
        workloadIdentityUsers: [
          { namespace: 'cert-manager', serviceAccount: 'cert-manager' },
        ],
      },
    ],
    [
      'gcp:iam:service-account',
      {
        accountId: 'coder-storage',
        projectRoles: ['roles/storage.objectAdmin'],
        workloadIdentityUsers: [
          { namespace: 'postgres', serviceAccount: 'postgres-pod' },
        ],
      },
    ],
    ...(proxy
      ? ([
          [
            'gcp:storage:bucket',
            {
              name: bucket,
              location: 'us-central1',
              uniformBucketLevelAccess: false,
              publicAccessPrevention: 'inherited',
              lifecycleRules: [],
            },
          ],
        ] as Array<[string, Record<string, unknown>]>)
      : []),
    ['gcp:dns:managed-zone', { name: 'isium-de', dnsName: 'isium.de' }],
    [
      'gcp:compute:network',
      {
        name: 'dev-vpc',
        firewallRules: [
          {
            name: 'dev-rule-nodeports',
            ports: ['30000-32767'],
            sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
            targetTags: ['dev-gke'],
          },
        ],
      },
    ],
    ['gcp:compute:address', { name: 'dev-cluster-lb-ip' }],
    [
      'gcp:dns:record-set',
      {
        zone: 'isium-de',
        records: [
          { name: 'lb.dev', type: 'A', ttl: 60, rrdatas: ['34.107.0.10'] },
          {
            name: '*.dev',
            type: 'CNAME',
            ttl: 60,
            rrdatas: ['lb.dev.isium.de.'],
          },
        ],
      },
    ],
    ['gcp:gke:cluster', { name: 'dev-gke' }],
  ];
  const run = async () => {
    for (const [id, input] of steps) {
      const changed: unknown[] = [];
      await actions[id].handler({
        input: { projectId: 'acme-coder', ...input },
        logger,
        workspacePath: process.cwd(),
        output: (name: string, value: unknown) =>
          name === 'changed' && changed.push(value),
        checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
        createTemporaryDirectory: async () => process.cwd(),
        getInitiatorCredentials: async () => ({} as any),
        task: { id: 'bench' },
      } as any);
      if (changed[0]) process.stdout.write(`  ${id}: changed\n`);
    }
  };

  process.stdout.write('first run (creates everything):\n');
  await run();
  gcp.calls.reset();
  if (proxy) proxy.counter.calls = 0;
  const started = Date.now();
  await run();
  const wall = Date.now() - started;
  const byRpc = gcp.calls.byRpc();
  if (proxy)
    byRpc['storage (GCS emulator, HTTP requests)'] = proxy.counter.calls;
  const total = Object.values(byRpc).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `\nsecond run (no-op): ${total} API calls, ${
      gcp.calls.mutations().length
    } mutating, ${wall} ms\n`,
  );
  for (const [rpc, n] of Object.entries(byRpc))
    process.stdout.write(`  ${String(n).padStart(3)}  ${rpc}\n`);
  if (!proxy)
    process.stdout.write(
      '  (gcp:storage:bucket skipped: no PEERS_GCS_URL; `bash scripts/peers/peers.sh up gcs`)\n',
    );
  proxy?.close();
  await gcp.stop();
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
