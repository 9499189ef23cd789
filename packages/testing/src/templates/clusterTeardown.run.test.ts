import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { scaffolderTasks } from '../scaffolder/scaffolderTasks';
import {
  contractAuthClient,
  DRY_RUN_PROJECT,
  startDryRunBackend,
} from './__testUtils__/dryRunBackend';
import {
  formValues,
  suiteActions,
  suiteTemplate,
} from './__testUtils__/suiteTemplates';

// Cloud DNS's client needs teeny-request 11's node:http transport under jest
// (see gcpProjectBootstrap.dryrun.test.ts).
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(180_000);

const GKE = `projects/${DRY_RUN_PROJECT}/locations/europe-west3-c/clusters/dev-gke`;
const ZONE = 'europe-west3-c';
const USER = mockCredentials.user.header();

const template = suiteTemplate('coder-cluster-teardown');
const templateEntity = {
  ...template.entity,
  metadata: { ...template.entity.metadata, namespace: 'default' },
};
const clusterResource = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev',
    namespace: 'default',
    uid: 'c0ffee00-0000-4000-8000-000000000002',
    annotations: { 'coder-platform.io/cluster': 'dev' },
  },
  spec: { type: 'coder-cluster', owner: 'group:platform-team' },
};

/**
 * coder-cluster-teardown run for real (not a dry run) through the real
 * scaffolder backend, against the GCP contract servers holding what the
 * cluster template creates (network, address, zone and records made by our
 * own actions; the GKE cluster seeded RUNNING) plus the disks its
 * PersistentVolumes left, and the cluster's Resource in the catalog. The
 * in-cluster steps are skipped (uninstallApps off: no API server here) and
 * the backups kept.
 */
describe('coder-cluster-teardown, a real run against the contract servers', () => {
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;
  let baseUrl: string;

  /** Runs one of our actions as a template step would (checkpoints run). */
  const runAction = async (id: string, input: Record<string, unknown>) => {
    const config = mockServices.rootConfig({
      data: {
        coderPlatform: {
          gcp: {
            projectId: DRY_RUN_PROJECT,
            endpoints: env.gcp.endpointsConfig(),
            operations: { pollIntervalMs: 5, timeoutMinutes: 1 },
          },
        },
      },
    });
    const action = suiteActions({
      config,
      authClient: contractAuthClient(),
    }).find(a => a.id === id)!;
    const log = () => {};
    const logger: any = { info: log, warn: log, error: log, debug: log };
    logger.child = () => logger;
    await action.handler({
      input,
      logger,
      secrets: {},
      output: () => {},
      checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as any);
  };

  beforeAll(async () => {
    env = await startDryRunBackend({
      catalogEntities: [templateEntity, clusterResource],
    });
    baseUrl = env.baseUrl;
    env.gcp.pollsToComplete = 1;
    // What the cluster template made, made by the same actions.
    await runAction('gcp:compute:network', {
      name: 'dev-vpc',
      region: 'europe-west3',
      subnet: { name: 'dev-subnet', ipCidrRange: '10.55.0.0/24' },
    });
    await runAction('gcp:compute:address', {
      name: 'dev-cluster-lb-ip',
      region: 'europe-west3',
    });
    await runAction('gcp:dns:managed-zone', {
      name: 'spaces-example-com',
      dnsName: 'spaces.example.com.',
    });
    await runAction('gcp:dns:record-set', {
      zone: 'spaces-example-com',
      records: [
        { name: 'lb.dev', type: 'A', rrdatas: ['34.107.1.2'] },
        {
          name: '*.dev',
          type: 'CNAME',
          rrdatas: ['lb.dev.spaces.example.com.'],
        },
      ],
    });
    env.gcp.grpc.clusters.set(GKE, {
      name: 'dev-gke',
      location: ZONE,
      status: 'RUNNING',
    });
    const labels = {
      'goog-k8s-cluster-name': 'dev-gke',
      'goog-k8s-cluster-location': ZONE,
    };
    env.gcp.rest.disks.addDisk(DRY_RUN_PROJECT, ZONE, {
      name: 'pvc-home-alice',
      labels,
      sizeGb: '50',
    });
    env.gcp.rest.disks.addDisk(DRY_RUN_PROJECT, 'europe-west3-a', {
      name: 'pvc-postgres',
      labels,
      sizeGb: '5',
    });
    env.gcp.rest.disks.addDisk(DRY_RUN_PROJECT, ZONE, {
      name: 'pvc-prod',
      labels: { ...labels, 'goog-k8s-cluster-name': 'prod-gke' },
    });
  });
  afterAll(() => env?.stop());

  const { api, settle } = scaffolderTasks({
    baseUrl: () => baseUrl,
    authorization: USER,
    pollMs: 200,
    maxPolls: 600,
  });

  const runTask = async (values: Record<string, unknown>) => {
    const created = await api('/v2/tasks', {
      templateRef: 'template:default/coder-cluster-teardown',
      values,
    });
    expect(created.status).toBe(201);
    const { task, events } = await settle(created.body.id as string);
    return { task, events: events as any[] };
  };

  const values = formValues(template.entity, {
    projectId: DRY_RUN_PROJECT,
    clusterName: 'dev',
    domainName: 'spaces.example.com',
    managedZone: 'spaces-example-com',
    uninstallApps: false,
  });

  it('deletes the cluster, then its disks, DNS records, address and network, and removes the Resource; a second run changes nothing', async () => {
    env.gcp.calls.reset();
    const { task, events } = await runTask(values);
    const failure = events.find(e => e.body?.error)?.body?.error;
    expect({ status: task.status, failure }).toEqual({
      status: 'completed',
      failure: undefined,
    });
    expect(env.gcp.grpc.clusters.has(GKE)).toBe(false);
    expect([...env.gcp.rest.disks.disks.keys()]).toEqual([
      `projects/${DRY_RUN_PROJECT}/zones/${ZONE}/disks/pvc-prod`,
    ]);
    expect(
      [...env.gcp.rest.compute.keys()].filter(k =>
        k.startsWith(`projects/${DRY_RUN_PROJECT}/`),
      ),
    ).toEqual([]);
    const zone = env.gcp.rest.zones.get(
      `projects/${DRY_RUN_PROJECT}/managedZones/spaces-example-com`,
    )!;
    expect(zone.rrsets.map(r => `${r.name} ${r.type}`).sort()).toEqual([
      'spaces.example.com. NS',
      'spaces.example.com. SOA',
    ]);
    // The cluster was gone before the disks step listed the disks.
    const order = (rpc: string) =>
      events.findIndex(e => e.body?.stepId === rpc);
    expect(order('gke')).toBeLessThan(order('disks'));
    const completion = events.find(e => e.type === 'completion');
    const text = completion.body.output.text as Array<{
      title: string;
      content: string;
    }>;
    expect(text.map(t => t.title)).toEqual([
      'Cluster dev removed',
      'Disks left behind by the cluster',
      'Backups kept',
    ]);
    expect(text[0].content).toContain(
      'Removed from the catalog: resource:default/dev.',
    );
    expect(text[1].content).toBe(
      [
        'Deleted 2 disk(s), 55 GB: zones/europe-west3-a/disks/pvc-postgres, zones/europe-west3-c/disks/pvc-home-alice.',
        'Left: none.',
        '',
      ].join('\n'),
    );

    // Everything is gone: a second run plans nothing and mutates nothing.
    env.gcp.calls.reset();
    const again = await runTask(values);
    expect(again.task.status).toBe('completed');
    expect(env.gcp.calls.mutations()).toEqual([]);
    const againText = again.events.find(e => e.type === 'completion').body
      .output.text;
    expect(againText[0].content).toContain(
      '`resource:default/dev` was not in the catalog.',
    );
    expect(againText[1].content).toContain('Deleted 0 disk(s), 0 GB: none.');
  });
});
