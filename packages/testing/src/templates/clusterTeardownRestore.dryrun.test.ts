import {
  renderedInputs,
  skippedSteps,
  startDryRunBackend,
  startedSteps,
  stepMessages,
} from './__testUtils__/dryRunBackend';
import { formValues, suiteTemplate } from './__testUtils__/suiteTemplates';

// Cloud DNS's client needs teeny-request 11's node:http transport under jest
// (see gcpProjectBootstrap.dryrun.test.ts).
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(180_000);

const cluster = {
  projectId: 'acme-coder',
  clusterName: 'dev',
  domainName: 'spaces.example.com',
  managedZone: 'spaces-example-com',
};

/** The Resource the cluster template registers (the mock catalog has no locations). */
const clusterResource = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dev',
    namespace: 'default',
    uid: 'c0ffee00-0000-4000-8000-000000000001',
    annotations: { 'coder-platform.io/cluster': 'dev' },
  },
  spec: { type: 'coder-cluster', owner: 'group:platform-team' },
};

/** Disks GKE labelled for dev-gke that outlived it, one still attached. */
function seedDisks(env: Awaited<ReturnType<typeof startDryRunBackend>>) {
  const labels = {
    'goog-k8s-cluster-name': 'dev-gke',
    'goog-k8s-cluster-location': 'europe-west3-c',
  };
  const { disks } = env.gcp.rest;
  disks.disks.clear();
  disks.addDisk('acme-coder', 'europe-west3-c', {
    name: 'pvc-home-alice',
    labels,
    sizeGb: '50',
  });
  disks.addDisk('acme-coder', 'europe-west3-c', {
    name: 'pvc-attached',
    labels,
    users: [
      'https://www.googleapis.com/compute/v1/projects/acme-coder/zones/europe-west3-c/instances/debug-vm',
    ],
  });
  disks.addDisk('acme-coder', 'europe-west3-c', {
    name: 'pvc-prod',
    labels: { ...labels, 'goog-k8s-cluster-name': 'prod-gke' },
  });
}

describe('coder-cluster-teardown through the scaffolder dry run', () => {
  const template = suiteTemplate('coder-cluster-teardown');
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    env = await startDryRunBackend({ catalogEntities: [clusterResource] });
    seedDisks(env);
  });
  afterAll(() => env?.stop());

  it('starts with the releases and namespaces of the cluster, by its GKE name', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, cluster),
    );
    // The contract servers hold no such cluster: the in-cluster steps plan against it.
    expect(res.pluginLog).toContainEqual(
      expect.stringMatching(
        /^cluster projects\/acme-coder\/locations\/europe-west3-c\/clusters\/dev-gke is not created yet: would uninstall release /,
      ),
    );
    const [first] = startedSteps(res.pluginLog);
    expect(first).toEqual({
      action: 'helm:release',
      input: expect.objectContaining({
        cluster:
          'projects/acme-coder/locations/europe-west3-c/clusters/dev-gke',
        state: 'absent',
      }),
    });
  });

  it('keeps the backups unless confirmed, and deletes the infrastructure in order', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, {
        ...cluster,
        uninstallApps: false,
        removeBackups: true,
        bucketName: 'coder-storage-spaces-example-com',
        confirmClusterName: 'prod',
      }),
    );
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(skippedSteps(res.body.log)).toEqual([
      'user-namespaces',
      'app-namespaces',
    ]);
    const inputs = renderedInputs(res.body.log);
    // Steps with each: log their input once, then skip every item.
    const skippedItems = (id: string) =>
      stepMessages(res.body.log, id).filter(m =>
        m.startsWith('Skipping step each'),
      ).length;
    expect(skippedItems('uninstall')).toBe(4);
    expect(skippedItems('remove-backups')).toBe(2);
    expect(stepMessages(res.body.log, 'remove-backups').join('\n')).not.toMatch(
      /\[dry run\]/,
    );
    expect(Object.keys(inputs)).toEqual([
      'uninstall',
      'gke',
      'disks',
      'dns',
      'address',
      'network',
      'remove-backups',
      'catalog',
    ]);
    for (const id of ['uninstall', 'gke', 'dns', 'address', 'network']) {
      expect(inputs[id][0].state).toBe('absent');
    }
    expect(inputs.disks[0]).toEqual({
      projectId: 'acme-coder',
      clusterName: 'dev-gke',
      location: 'europe-west3-c',
    });
    expect(inputs.catalog[0]).toEqual({
      entityRef: 'resource:default/dev',
      expectedType: 'coder-cluster',
      expectedAnnotations: { 'coder-platform.io/cluster': 'dev' },
    });
    expect(inputs.dns[0].records.map((r: any) => r.name)).toEqual([
      '*.dev.spaces.example.com.',
      'lb.dev.spaces.example.com.',
    ]);
    const text = res.body.output!.text.map((t: any) => t.title);
    expect(text).toEqual([
      'Cluster dev removed',
      'Disks left behind by the cluster',
      'Backups kept',
    ]);
    expect(res.body.output!.text[2].content).toContain(
      'the confirmation did not match',
    );
  });

  it('deletes only the spilo/<cluster> and coder/<cluster> prefixes when confirmed', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, {
        ...cluster,
        uninstallApps: false,
        removeBackups: true,
        bucketName: 'coder-storage-spaces-example-com',
        confirmClusterName: 'dev',
      }),
    );
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    const messages = stepMessages(res.body.log, 'remove-backups');
    expect(messages.filter(m => m.startsWith('Running step each'))).toEqual([
      'Running step each: {"key":"0","value":"spilo/dev"}',
      'Running step each: {"key":"1","value":"coder/dev"}',
    ]);
    // Each prefix is planned as a folder of the bucket, never the bucket.
    expect(messages.filter(m => m.startsWith('[dry run] gs://'))).toEqual([
      '[dry run] gs://coder-storage-spaces-example-com/spilo/dev/: nothing to do (already absent)',
      '[dry run] gs://coder-storage-spaces-example-com/coder/dev/: nothing to do (already absent)',
    ]);
    expect(res.body.output!.text.map((t: any) => t.title)).toEqual([
      'Cluster dev removed',
      'Disks left behind by the cluster',
      'Backups deleted',
    ]);
  });

  it('plans deleting the unattached disks of dev-gke and removing its Resource, and says so in the output', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, { ...cluster, uninstallApps: false }),
    );
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    const disks = stepMessages(res.body.log, 'disks');
    expect(disks).toContain(
      '[dry run] disk zones/europe-west3-c/disks/pvc-home-alice (50 GB): delete',
    );
    expect(disks.join('\n')).not.toMatch(
      /pvc-attached \(\d+ GB\): delete|pvc-prod/,
    );
    expect(disks).toContain(
      'disk left: zones/europe-west3-c/disks/pvc-attached (attached to projects/acme-coder/zones/europe-west3-c/instances/debug-vm)',
    );
    expect(env.gcp.rest.disks.disks.size).toBe(3);
    expect(stepMessages(res.body.log, 'catalog')).toContain(
      '[dry run] resource:default/dev: delete the entity (uid c0ffee00-0000-4000-8000-000000000001)',
    );
    const [removed, diskText] = res.body.output!.text;
    expect(removed.content).toContain(
      'Removed from the catalog: resource:default/dev.',
    );
    expect(diskText.content).toBe(
      [
        'Deleted 1 disk(s), 50 GB: zones/europe-west3-c/disks/pvc-home-alice.',
        'Left: zones/europe-west3-c/disks/pvc-attached (attached to projects/acme-coder/zones/europe-west3-c/instances/debug-vm).',
        '',
      ].join('\n'),
    );
  });

  it('leaves the disks alone when the box is unticked', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, {
        ...cluster,
        uninstallApps: false,
        deleteDisks: false,
      }),
    );
    expect(res.status).toBe(200);
    expect(skippedSteps(res.body.log)).toContain('disks');
    expect(res.body.output!.text.map((t: any) => t.title)).toEqual([
      'Cluster dev removed',
      'Backups kept',
    ]);
  });
});

describe('postgres-restore through the scaffolder dry run', () => {
  const template = suiteTemplate('postgres-restore');
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    env = await startDryRunBackend();
  });
  afterAll(() => env?.stop());

  it('puts the guard first, cloning from the chosen backups to a point in time', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, {
        projectId: 'acme-coder',
        clusterName: 'dev',
        bucketName: 'coder-storage-spaces-example-com',
        sourceClusterName: 'old-dev',
        targetTime: '2026-11-30T23:00:00+01:00',
      }),
    );
    const [guard] = startedSteps(res.pluginLog);
    expect(guard).toEqual({
      action: 'coder-platform:postgres:guard',
      input: {
        cluster:
          'projects/acme-coder/locations/europe-west3-c/clusters/dev-gke',
        bucket: 'coder-storage-spaces-example-com',
        scopePrefix: 'dev/',
        scope: 'main-restore-db',
        scopeSuffix: '/main',
        pgVersion: 14,
        credentialsPath: '',
        postgresql: { name: 'main-restore-db', namespace: 'postgres' },
        clone: {
          enabled: true,
          bucket: 'coder-storage-spaces-example-com',
          scopePrefix: 'old-dev/',
          scope: 'main-postgres-db',
          scopeSuffix: '/main',
          targetTime: '2026-11-30T23:00:00+01:00',
        },
      },
    });
    // The contract servers have no such cluster (planned, no database yet);
    // the guard then lists the backups, and this backend has no GCS.
    expect(res.body.error?.message).toMatch(
      /^coder-platform:postgres:guard: listing backups at gs:\/\/coder-storage-spaces-example-com\/spilo\/dev\/main-restore-db\/main\/wal\/14 failed: /,
    );
  });

  it('refuses a point in time without an offset (400 naming the field)', async () => {
    const res = await env.dryRun(
      template,
      formValues(template.entity, {
        projectId: 'acme-coder',
        clusterName: 'dev',
        bucketName: 'coder-storage-spaces-example-com',
        targetTime: '2026-11-30 23:00',
      }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('targetTime');
  });
});
