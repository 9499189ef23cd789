import {
  GcpContractError,
  GcpContractServer,
  permissionDeniedError,
} from '@coder-platform/testing';
import { createGcpIamBindingAction } from './gcpIamBinding';
import { mockContext, PROJECT, startGcp } from './__testUtils__/harness';
import {
  bindingOptions,
  createBindingTargets,
} from './__testUtils__/iamTargets';

// See gcpDnsManagedZone.examples.test.ts: Cloud DNS's client needs
// teeny-request 11's node:http transport under jest.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(30_000);

const BACKUP = `serviceAccount:coder-backup@${PROJECT}.iam.gserviceaccount.com`;
const DNS = `serviceAccount:coder-dns@${PROJECT}.iam.gserviceaccount.com`;

describe('gcp:iam:binding', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpIamBindingAction>;
  const bucketPolicy = () =>
    gcp.rest.storage.buckets.get('coder-backups-acme')!.policy;
  const zonePolicy = () =>
    gcp.rest.zones.get(`projects/${PROJECT}/managedZones/isium-de`)!.policy!;
  const saPolicy = (id: string) =>
    gcp.rest.serviceAccounts.get(
      `projects/${PROJECT}/serviceAccounts/${id}@${PROJECT}.iam.gserviceaccount.com`,
    )!.policy;
  const onBucket = (extra: Record<string, unknown> = {}) => ({
    resourceType: 'bucket',
    resource: 'coder-backups-acme',
    bindings: [{ role: 'roles/storage.objectAdmin', members: [BACKUP] }],
    ...extra,
  });

  beforeAll(async () => {
    gcp = await startGcp();
    await createBindingTargets(gcp);
    action = createGcpIamBindingAction(bindingOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
  });

  it('grants a role on a bucket, keeping the other bindings', async () => {
    bucketPolicy().bindings = [
      {
        role: 'roles/storage.legacyBucketOwner',
        members: ['projectOwner:acme-coder'],
      },
    ];
    const { ctx, outputs } = mockContext(onBucket());
    await action.handler(ctx);
    expect(bucketPolicy().bindings).toEqual([
      {
        role: 'roles/storage.legacyBucketOwner',
        members: ['projectOwner:acme-coder'],
      },
      { role: 'roles/storage.objectAdmin', members: [BACKUP] },
    ]);
    expect(gcp.calls.byRpc()).toEqual({
      'storage.buckets.getIamPolicy': 2,
      'storage.buckets.setIamPolicy': 1,
    });
    expect(outputs()).toEqual({
      projectId: PROJECT,
      resourceName: 'projects/_/buckets/coder-backups-acme',
      added: [`roles/storage.objectAdmin ${BACKUP}`],
      removed: [],
      changed: true,
    });
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: 'gcp:iam:binding:projects/_/buckets/coder-backups-acme:present:roles/storage.objectAdmin',
      }),
    );
  });

  it('re-run is a no-op: one read, no write', async () => {
    const { ctx, outputs, logs } = mockContext(onBucket());
    await action.handler(ctx);
    expect(gcp.calls.byRpc()).toEqual({ 'storage.buckets.getIamPolicy': 1 });
    expect(logs()).toMatch(/nothing to do/);
    expect(outputs()).toMatchObject({ added: [], changed: false });
  });

  it('grants on a managed zone and on a service account', async () => {
    await action.handler(
      mockContext({
        resourceType: 'managedZone',
        resource: 'isium-de',
        bindings: [{ role: 'roles/dns.admin', members: [DNS] }],
      }).ctx,
    );
    expect(zonePolicy().bindings).toEqual([
      { role: 'roles/dns.admin', members: [DNS] },
    ]);
    const wi = `serviceAccount:${PROJECT}.svc.id.goog[postgres/postgres-pod]`;
    await action.handler(
      mockContext({
        resourceType: 'serviceAccount',
        resource: 'coder-backup',
        bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [wi] }],
      }).ctx,
    );
    expect(saPolicy('coder-backup').bindings).toEqual([
      { role: 'roles/iam.workloadIdentityUser', members: [wi] },
    ]);
    expect(gcp.calls.mutations().sort()).toEqual([
      'dns.managedZones.setIamPolicy',
      'iam.serviceAccounts.setIamPolicy',
    ]);
  });

  it('state absent removes only the named members and drops an empty binding', async () => {
    const other = 'user:alice@example.com';
    bucketPolicy().bindings = [
      { role: 'roles/storage.objectAdmin', members: [BACKUP, other] },
      { role: 'roles/storage.objectViewer', members: [BACKUP] },
      {
        role: 'roles/storage.objectViewer',
        members: [BACKUP],
        condition: { title: 'only spilo', expression: 'true' },
      },
    ];
    await action.handler(
      mockContext(
        onBucket({
          state: 'absent',
          bindings: [
            { role: 'roles/storage.objectAdmin', members: [BACKUP] },
            { role: 'roles/storage.objectViewer', members: [BACKUP] },
          ],
        }),
      ).ctx,
    );
    expect(bucketPolicy().bindings).toEqual([
      { role: 'roles/storage.objectAdmin', members: [other] },
      {
        role: 'roles/storage.objectViewer',
        members: [BACKUP],
        condition: { title: 'only spilo', expression: 'true' },
      },
    ]);
    gcp.calls.reset();
    const again = mockContext(onBucket({ state: 'absent' }));
    await action.handler(again.ctx);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('reads the policy again when it changed concurrently (etag)', async () => {
    gcp.inject({
      rpc: 'storage.buckets.setIamPolicy',
      error: new GcpContractError(
        'ABORTED',
        'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
      ),
    });
    const { ctx, logs } = mockContext(onBucket());
    await action.handler(ctx);
    expect(gcp.calls.count('storage.buckets.setIamPolicy')).toBe(2);
    expect(logs()).toMatch(/changed concurrently; reading it again/);
    expect(bucketPolicy().bindings).toContainEqual({
      role: 'roles/storage.objectAdmin',
      members: expect.arrayContaining([BACKUP]),
    });
  });

  it('retries transient errors of the read and the write', async () => {
    gcp.inject({
      rpc: 'dns.managedZones.getIamPolicy',
      error: 'UNAVAILABLE',
      times: 2,
    });
    gcp.inject({ rpc: 'dns.managedZones.setIamPolicy', error: 'INTERNAL' });
    await action.handler(
      mockContext({
        resourceType: 'managedZone',
        resource: 'isium-de',
        bindings: [{ role: 'roles/dns.reader', members: [BACKUP] }],
      }).ctx,
    );
    expect(gcp.calls.count('dns.managedZones.setIamPolicy')).toBe(2);
    expect(zonePolicy().bindings).toContainEqual({
      role: 'roles/dns.reader',
      members: [BACKUP],
    });
  });

  it('dry run writes nothing and plans a resource an earlier step creates', async () => {
    const planned = mockContext(
      onBucket({
        bindings: [{ role: 'roles/storage.objectViewer', members: [DNS] }],
      }),
      { dryRun: true },
    );
    await action.handler(planned.ctx);
    expect(planned.outputs()).toMatchObject({
      added: [`roles/storage.objectViewer ${DNS}`],
      changed: false,
    });
    const missing = mockContext(onBucket({ resource: 'not-created-yet' }), {
      dryRun: true,
    });
    await action.handler(missing.ctx);
    expect(missing.logs()).toMatch(/bucket not-created-yet does not exist yet/);
    expect(gcp.calls.mutations()).toEqual([]);
    await expect(
      action.handler(
        mockContext(onBucket({ resource: 'not-created-yet' })).ctx,
      ),
    ).rejects.toThrow(/^resource: bucket not-created-yet does not exist/);
  });

  it.each([
    [{ resource: 'Not A Bucket' }, /resource: must be a bucket name/],
    [
      { resourceType: 'managedZone', resource: 'a.b' },
      /resource: must be a managed zone name/,
    ],
    [
      { resourceType: 'serviceAccount', resource: 'x@example.com' },
      /resource: must be a service account/,
    ],
    [{ resourceType: 'project' }, /resourceType: Invalid enum value/],
    [
      { bindings: [{ role: 'storage.admin', members: [BACKUP] }] },
      /bindings\.0\.role: must be a role/,
    ],
    [
      { bindings: [{ role: 'roles/x', members: ['alice'] }] },
      /bindings\.0\.members\.0: must be an IAM member/,
    ],
    [{ bindings: [] }, /bindings: Array must contain at least 1/],
  ])('rejects bad input %j naming the field', async (bad, message) => {
    await expect(
      action.handler(mockContext(onBucket(bad)).ctx),
    ).rejects.toThrow(message);
    expect(gcp.calls.count()).toBe(0);
  });

  it('names the missing permission and the role that grants it', async () => {
    gcp.inject({
      rpc: 'storage.buckets.setIamPolicy',
      error: permissionDeniedError(
        'storage.buckets.setIamPolicy',
        'projects/_/buckets/coder-backups-acme',
      ),
    });
    await expect(
      action.handler(
        mockContext(
          onBucket({
            bindings: [{ role: 'roles/storage.admin', members: [DNS] }],
          }),
        ).ctx,
      ),
    ).rejects.toThrow(
      /'storage.buckets.setIamPolicy' \(granted by roles\/storage.admin\)/,
    );
  });
});
