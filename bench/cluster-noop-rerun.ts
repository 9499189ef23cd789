/*
 * Wall time of a no-op re-run of kubernetes:apply and helm:release against
 * the real local API server and helm binary: what a template re-run costs
 * when nothing changed.
 *
 *   bash scripts/peers/peers.sh up kube helm
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/cluster-noop-rerun.ts [runs]
 *
 * kubernetes:apply: 1 CRD + 1 custom resource + 10 ConfigMaps + 1 Secret in
 * a fresh namespace. helm:release: the demo fixture chart (a ConfigMap and a
 * Secret) from a local chart repository. Each is applied once, then re-run
 * `runs` times (default 10); min / median / max of the re-runs are printed.
 */
import { ConfigReader } from '@backstage/config';
import { requirePeer } from '@coder-platform/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createHelmReleaseAction } from '../plugins/scaffolder-actions/src/actions/cluster/helmRelease';
import { createKubernetesApplyAction } from '../plugins/scaffolder-actions/src/actions/cluster/kubernetesApply';
import { startChartRepo } from '../plugins/scaffolder-actions/src/actions/cluster/__testUtils__/chartRepo';

const noop = () => {};
const logger = {
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  child: () => logger,
};

function context(input: Record<string, unknown>) {
  const outputs: Record<string, unknown> = {};
  return {
    outputs,
    ctx: {
      input,
      logger,
      workspacePath: process.cwd(),
      secrets: {},
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      checkpoint: async ({ fn }: { key: string; fn: () => unknown }) => fn(),
      createTemporaryDirectory: async () => process.cwd(),
      getInitiatorCredentials: async () => ({}),
      task: { id: 'bench' },
      isDryRun: false,
    } as any,
  };
}

async function time(
  label: string,
  runs: number,
  once: () => Promise<Record<string, unknown>>,
  check: (outputs: Record<string, unknown>) => boolean,
) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const outputs = await once();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!check(outputs)) {
      throw new Error(
        `${label}: re-run ${i + 1} was not a no-op: ${JSON.stringify(outputs)}`,
      );
    }
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `${label.padEnd(34)} runs=${runs} min=${samples[0].toFixed(
      0,
    )}ms median=${median.toFixed(0)}ms max=${samples[
      samples.length - 1
    ].toFixed(0)}ms`,
  );
}

async function main() {
  const runs = Number(process.argv[2] ?? 10);
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
  ]);
  const { PEERS_HELM_BIN } = requirePeer('helm', ['PEERS_HELM_BIN']);
  const config = new ConfigReader({
    coderPlatform: {
      clusterActions: { helm: { binary: PEERS_HELM_BIN } },
      clusters: [
        {
          name: 'local',
          kubernetes: {
            url: kube.PEERS_KUBE_URL,
            caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
            auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
          },
        },
      ],
    },
  });
  const suffix = randomBytes(4).toString('hex');
  const namespace = `bench-${suffix}`;
  const group = `bench-${suffix}.example.com`;

  const manifest = [
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}`,
    `apiVersion: ${group}/v1\nkind: Gadget\nmetadata: {name: g, namespace: ${namespace}}\nspec: {size: 1}`,
    ...Array.from(
      { length: 10 },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ${namespace}}\ndata: {index: "${i}"}`,
    ),
    `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ${namespace}}\nstringData: {k: v}`,
  ].join('\n---\n');

  const apply = createKubernetesApplyAction({ config });
  const applyOnce = async () => {
    const { ctx, outputs } = context({ cluster: 'local', manifest });
    await apply.handler(ctx);
    return outputs;
  };
  await applyOnce();
  await time(
    'kubernetes:apply no-op (13 objects)',
    runs,
    applyOnce,
    o => o.changed === 0,
  );

  const repo = await startChartRepo(PEERS_HELM_BIN, 'demo', [
    { version: '0.1.0', appVersion: '1.0.0' },
  ]);
  try {
    const helm = createHelmReleaseAction({ config });
    const input = {
      cluster: 'local',
      name: 'bench',
      namespace,
      repoUrl: repo.url,
      chart: 'demo',
      version: '0.1.0',
      values: { greeting: 'bench' },
      secretValues: { password: 'bench-secret' },
    };
    const releaseOnce = async () => {
      const { ctx, outputs } = context(input);
      await helm.handler(ctx);
      return outputs;
    };
    await releaseOnce();
    await time(
      'helm:release no-op (demo chart)',
      runs,
      releaseOnce,
      o => o.changed === false,
    );
    const { ctx } = context({ ...input, state: 'absent' });
    await helm.handler(ctx);
  } finally {
    await repo.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
