/*
 * Wall time of dry runs of the cluster lifecycle templates through the real
 * scaffolder backend in process (POST /api/scaffolder/v2/dry-run), the
 * suite's actions and the GCP contract servers - what the template editor's
 * dry run costs. Printed, never asserted.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/template-dry-run.ts [runs]
 *
 * The full cluster template's dry run plans the Google Cloud part (network,
 * address, records, GKE, Workload Identity) and stops at the first
 * in-cluster step, whose dry run needs the cluster to exist (it reads the
 * endpoint from GKE): the figure covers exactly that much.
 */
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

async function main() {
  const env = await startDryRunBackend();
  const rows: Row[] = [];
  try {
    for (const c of cases) {
      const template = suiteTemplate(c.name);
      const times: number[] = [];
      let last: Awaited<ReturnType<typeof env.dryRun>> | undefined;
      // One warm-up run (module loading, first gRPC connections), then `runs`.
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
        template: c.name,
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
  } finally {
    await env.stop();
  }
  report({
    title:
      'Dry runs of the cluster lifecycle templates (real scaffolder, GCP contract servers)',
    command: `node --require @backstage/cli/config/nodeTransform.cjs bench/template-dry-run.ts ${runs}`,
    rows,
    notes: [
      'The cluster template stops at its first in-cluster step (cert-manager): in-cluster dry runs read the cluster from GKE, and a cluster that is only planned does not exist yet.',
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
