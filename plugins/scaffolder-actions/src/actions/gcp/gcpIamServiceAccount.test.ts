import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  GcpContractServer,
  permissionDeniedError,
} from '@coder-platform/testing';
import { createGcpIamServiceAccountAction } from './gcpIamServiceAccount';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);

describe('gcp:iam:service-account', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpIamServiceAccountAction>;
  const workspace = createMockDirectory();
  const email = `coder-dns@${PROJECT}.iam.gserviceaccount.com`;
  const sa = (id = 'coder-dns') =>
    gcp.rest.serviceAccounts.get(
      `projects/${PROJECT}/serviceAccounts/${id}@${PROJECT}.iam.gserviceaccount.com`,
    );
  const projectPolicy = () => gcp.grpc.policies.get(`projects/${PROJECT}`);
  const input = {
    accountId: 'coder-dns',
    displayName: 'Coder DNS01 solver',
    projectRoles: ['roles/dns.admin'],
    workloadIdentityUsers: [
      { namespace: 'cert-manager', serviceAccount: 'cert-manager' },
    ],
  };

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpIamServiceAccountAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.disabledApis.clear();
  });

  it('creates the account, grants project roles and the Workload Identity binding', async () => {
    gcp.grpc.policies.set(`projects/${PROJECT}`, {
      version: 1,
      etag: 7,
      bindings: [
        { role: 'roles/dns.admin', members: ['user:alice@example.com'] },
      ],
    });
    const { ctx, outputs } = mockContext(input);
    await action.handler(ctx);
    expect(sa()!.account).toMatchObject({
      email,
      displayName: 'Coder DNS01 solver',
    });
    expect(projectPolicy()!.bindings).toEqual([
      {
        role: 'roles/dns.admin',
        members: ['user:alice@example.com', `serviceAccount:${email}`],
      },
    ]);
    expect(sa()!.policy.bindings).toEqual([
      {
        role: 'roles/iam.workloadIdentityUser',
        members: [
          `serviceAccount:${PROJECT}.svc.id.goog[cert-manager/cert-manager]`,
        ],
      },
    ]);
    expect(outputs()).toMatchObject({
      email,
      member: `serviceAccount:${email}`,
      changed: true,
    });
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext(input);
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(gcp.calls.byRpc()).toEqual({
      'iam.serviceAccounts.get': 1,
      'iam.serviceAccounts.getIamPolicy': 1,
      'resourcemanager.GetIamPolicy': 1,
    });
    expect(logs().match(/nothing to do/g)).toHaveLength(3);
    expect(outputs().changed).toBe(false);
  });

  it('updates drift: display name and a revoked role', async () => {
    sa()!.account.displayName = 'renamed';
    projectPolicy()!.bindings = [];
    const { ctx, logs } = mockContext(input);
    await action.handler(ctx);
    expect(logs()).toMatch(/update fields displayName/);
    expect(logs()).toMatch(
      /project roles of .*: update fields roles\/dns.admin/,
    );
    expect(sa()!.account.displayName).toBe('Coder DNS01 solver');
    expect(projectPolicy()!.bindings).toEqual([
      { role: 'roles/dns.admin', members: [`serviceAccount:${email}`] },
    ]);
  });

  it('retries the policy read-modify-write when the etag changed concurrently', async () => {
    projectPolicy()!.bindings = [];
    gcp.inject({ rpc: 'resourcemanager.SetIamPolicy', error: 'ABORTED' });
    const { ctx } = mockContext(input);
    await action.handler(ctx);
    expect(gcp.calls.count('resourcemanager.SetIamPolicy')).toBe(2);
    expect(projectPolicy()!.bindings).toEqual([
      { role: 'roles/dns.admin', members: [`serviceAccount:${email}`] },
    ]);
  });

  it('writes a requested key to the workspace only, once', async () => {
    const { ctx, outputs, logs } = mockContext(
      { accountId: 'coder-storage', key: { path: 'secrets/key.json' } },
      { workspacePath: workspace.path },
    );
    await action.handler(ctx);
    const file = join(workspace.path, 'secrets/key.json');
    const key = JSON.parse(readFileSync(file, 'utf8'));
    expect(key).toMatchObject({
      type: 'service_account',
      client_email: `coder-storage@${PROJECT}.iam.gserviceaccount.com`,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(outputs()).toMatchObject({
      keyPath: 'secrets/key.json',
      keyId: key.private_key_id,
    });
    const everything = JSON.stringify([outputs(), logs()]);
    expect(everything).not.toContain('PRIVATE KEY');
    expect(everything).not.toContain(key.private_key.slice(30, 60));
    const again = mockContext(
      { accountId: 'coder-storage', key: { path: 'secrets/key.json' } },
      { workspacePath: workspace.path },
    );
    await action.handler(again.ctx);
    expect(sa('coder-storage')!.keys).toHaveLength(1);
    expect(again.logs()).toMatch(/key file secrets\/key.json: nothing to do/);
  });

  it.each(['INTERNAL', 'UNAVAILABLE'] as const)(
    'never retries the key creation (not idempotent) on %s, and says what to check',
    async code => {
      gcp.inject({ rpc: 'iam.serviceAccounts.keys.create', error: code });
      const { ctx, logs } = mockContext(
        { accountId: 'coder-keyfail', key: { path: `k-${code}.json` } },
        { workspacePath: workspace.path },
      );
      await expect(action.handler(ctx)).rejects.toThrow(
        /Not retried: the call may have created a key all the same\. List the keys of coder-keyfail@.*keys list/,
      );
      expect(gcp.calls.count('iam.serviceAccounts.keys.create')).toBe(1);
      expect(sa('coder-keyfail')!.keys).toHaveLength(0);
      expect(logs()).not.toMatch(/create a JSON key.*transient error/);
    },
  );

  it('dry run reads but writes nothing', async () => {
    const { ctx, logs } = mockContext(
      { ...input, accountId: 'coder-preview' },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(sa('coder-preview')).toBeUndefined();
    expect(logs()).toMatch(
      /\[dry run\] service account coder-preview@.*: create/,
    );
  });

  it.each([
    [{ accountId: 'x' }, /accountId: must be 6-30 characters/],
    [
      { accountId: 'coder-dns', projectRoles: ['dns.admin'] },
      /projectRoles\.0: must be a role/,
    ],
    [{ accountId: 'coder-dns', key: { path: '../outside.json' } }, /outside/],
  ])('rejects bad input %j naming the field', async (bad, message) => {
    const { ctx } = mockContext(bad);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('names the missing permission', async () => {
    gcp.inject({
      rpc: 'resourcemanager.SetIamPolicy',
      error: permissionDeniedError(
        'resourcemanager.projects.setIamPolicy',
        `projects/${PROJECT}`,
      ),
    });
    projectPolicy()!.bindings = [];
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(
      /'resourcemanager.projects.setIamPolicy' \(granted by roles\/resourcemanager.projectIamAdmin\)/,
    );
  });

  it('retries transient errors', async () => {
    gcp.inject({
      rpc: 'iam.serviceAccounts.get',
      error: 'UNAVAILABLE',
      times: 2,
    });
    gcp.inject({
      rpc: 'resourcemanager.GetIamPolicy',
      error: 'UNAVAILABLE',
      times: 1,
    });
    const { ctx } = mockContext(input);
    await action.handler(ctx);
    expect(gcp.calls.count('iam.serviceAccounts.get')).toBe(3);
  });

  it('stops when the task is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = mockContext(input, { signal: controller.signal });
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
  });
});
