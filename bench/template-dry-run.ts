/*
 * Wall time of dry runs of the cluster lifecycle templates through the real
 * scaffolder backend in process (POST /api/scaffolder/v2/dry-run), the
 * suite's actions and the GCP contract servers - what the template editor's
 * dry run costs. Printed, never asserted.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/template-dry-run.ts [runs]
 *
 * The full cluster template's dry run of a new cluster plans the Google
 * Cloud part (network, address, records, GKE, Workload Identity), then every
 * in-cluster step against the cluster not created yet (each logs its plan;
 * the backup guard lists the GCS emulator when the peers are up), the
 * devbox template (pushed from the actions package, template: devbox; no
 * fetch step since the push reads the bundled files) and the catalog
 * Resource: the figure covers the whole template. With the local
 * API server, helm and the GCS emulator up (`yarn peers up kube gcs`), a
 * second row dry-runs it as an upgrade of an existing cluster: the GKE
 * contract server points dev-gke at the local API server, and the in-cluster
 * steps run up to Keycloak (found through the cluster's Ingress, which the
 * local cluster does not have).
 */
import { Storage } from '@google-cloud/storage';
import { peersEnvFile, parsePeersEnv } from '@coder-platform/testing';
import { existsSync, readFileSync } from 'node:fs';
import { report, Row } from './lib/report';
import {
  startDryRunBackend,
  startedSteps,
} from '../packages/testing/src/templates/__testUtils__/dryRunBackend';
import {
  formValues,
  suiteTemplate,
} from '../packages/testing/src/templates/__testUtils__/suiteTemplates';

const runs = Number(process.argv[2] ?? 5);
const common = {
  projectId: 'acme-coder',
  domainName: 'spaces.example.com',
  managedZone: 'spaces-example-com',
  bucketName: 'coder-storage-spaces-example-com',
};
const secrets = { coderAdminPassword: 'bench-password-0123456789' };

const cases = [
  {
    name: 'gcp-project-bootstrap',
    values: common,
    secrets: {},
  },
  {
    name: 'coder-development-cluster',
    values: { ...common, adminEmail: 'admin@example.com' },
    secrets,
  },
  {
    name: 'coder-cluster-teardown',
    values: {
      ...common,
      clusterName: 'dev',
      uninstallApps: false,
      removeBackups: true,
      confirmClusterName: 'dev',
    },
    secrets: {},
  },
];

type Env = Awaited<ReturnType<typeof startDryRunBackend>>;

async function measure(
  env: Env,
  rows: Row[],
  c: { name: string; values: Record<string, unknown>; secrets: any },
  label = c.name,
) {
  const template = suiteTemplate(c.name);
  const times: number[] = [];
  let last: Awaited<ReturnType<Env['dryRun']>> | undefined;
  // One warm-up run (module loading, first connections), then `runs`.
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    last = await env.dryRun(
      template,
      formValues(template.entity, c.values, c.secrets),
      c.secrets,
    );
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i > 0) times.push(ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  rows.push({
    template: label,
    'steps in template': template.entity.spec.steps.length,
    'steps started (each: once)': startedSteps(last!.pluginLog).length,
    result:
      last!.status === 200
        ? '200 (complete)'
        : `${last!.status}: ${last!.body.error?.message ?? ''}`,
    runs: times.length,
    'median ms': Math.round(sorted[Math.floor(sorted.length / 2)]),
    'min ms': Math.round(sorted[0]),
    'max ms': Math.round(sorted[sorted.length - 1]),
  });
}

/** The upgrade case on the local peers, when they are up. */
async function existingCluster(rows: Row[]) {
  const peers = existsSync(peersEnvFile())
    ? parsePeersEnv(readFileSync(peersEnvFile(), 'utf8'))
    : {};
  const need = [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_HELM_BIN',
    'PEERS_GCS_URL',
  ];
  if (need.some(k => !peers[k])) return false;
  const env = await startDryRunBackend({
    accessToken: peers.PEERS_KUBE_TOKEN,
    config: {
      clusterActions: {
        helm: { binary: peers.PEERS_HELM_BIN },
        gcs: { apiEndpoint: peers.PEERS_GCS_URL, projectId: 'acme-coder' },
      },
    },
  });
  const bucket = `coder-bench-${Date.now()}`;
  try {
    await new Storage({
      apiEndpoint: peers.PEERS_GCS_URL,
      projectId: 'acme-coder',
    }).createBucket(bucket);
    env.gcp.grpc.clusters.set(
      'projects/acme-coder/locations/europe-west3-c/clusters/dev-gke',
      {
        name: 'dev-gke',
        location: 'europe-west3-c',
        status: 'RUNNING',
        network: 'dev-vpc',
        subnetwork: 'dev-subnet',
        endpoint: peers.PEERS_KUBE_URL,
        masterAuth: {
          clusterCaCertificate: readFileSync(
            peers.PEERS_KUBE_CA_FILE!,
          ).toString('base64'),
        },
      },
    );
    await measure(
      env,
      rows,
      {
        name: 'coder-development-cluster',
        values: {
          ...common,
          bucketName: bucket,
          adminEmail: 'admin@example.com',
        },
        secrets,
      },
      'coder-development-cluster (existing cluster on the local peers)',
    );
  } finally {
    await env.stop();
  }
  return true;
}

/** The GCS emulator of the peers, for the backup guard's listing (a new cluster's bucket is empty). */
async function gcsForGuard(): Promise<Record<string, unknown> | undefined> {
  const file = peersEnvFile();
  const url = existsSync(file)
    ? parsePeersEnv(readFileSync(file, 'utf8')).PEERS_GCS_URL
    : undefined;
  if (!url) return undefined;
  const storage = new Storage({ apiEndpoint: url, projectId: 'acme-coder' });
  const bucket = storage.bucket('coder-storage-spaces-example-com');
  if (!(await bucket.exists())[0]) await bucket.create();
  return {
    clusterActions: { gcs: { apiEndpoint: url, projectId: 'acme-coder' } },
  };
}

async function main() {
  const gcsConfig = await gcsForGuard();
  const env = await startDryRunBackend(gcsConfig ? { config: gcsConfig } : {});
  const rows: Row[] = [];
  let peers = false;
  try {
    for (const c of cases) {
      await measure(env, rows, c);
    }
  } finally {
    await env.stop();
  }
  peers = await existingCluster(rows);
  report({
    title:
      'Dry runs of the cluster lifecycle templates (real scaffolder, GCP contract servers)',
    command: `node --require @backstage/cli/config/nodeTransform.cjs bench/template-dry-run.ts ${runs}`,
    rows,
    notes: [
      gcsConfig
        ? 'New cluster: the in-cluster steps plan against the cluster gcp:gke:cluster only planned (they log what they would do), the guard lists the GCS emulator, coder:template:push plans the bundled devbox (no fetch step) and the run reaches the catalog Resource; the steps not started are the if: steps skipped by the defaults (SMTP off, no catalog repository).'
        : 'New cluster: GCS emulator not up, so the dry run stops at the backup guard (no GCS endpoint).',
      peers
        ? 'The existing-cluster row runs the in-cluster dry runs (real helm, the local API server, the GCS emulator) up to keycloak:realm, which needs the Keycloak Ingress the local cluster lacks.'
        : 'Local peers (kube, helm, gcs) not up: no existing-cluster row.',
    ],
  });
}

main().then(
  () => process.exit(0),
  error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  },
);
