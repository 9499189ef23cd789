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

describe('coder-cluster-teardown through the scaffolder dry run', () => {
  const template = suiteTemplate('coder-cluster-teardown');
  let env: Awaited<ReturnType<typeof startDryRunBackend>>;
  beforeAll(async () => {
    env = await startDryRunBackend();
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
      'dns',
      'address',
      'network',
      'remove-backups',
    ]);
    for (const id of ['uninstall', 'gke', 'dns', 'address', 'network']) {
      expect(inputs[id][0].state).toBe('absent');
    }
    expect(inputs.dns[0].records.map((r: any) => r.name)).toEqual([
      '*.dev.spaces.example.com.',
      'lb.dev.spaces.example.com.',
    ]);
    const text = res.body.output!.text.map((t: any) => t.title);
    expect(text).toEqual(['Cluster dev removed', 'Backups kept']);
    expect(res.body.output!.text[1].content).toContain(
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
      'Backups deleted',
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
