import {
  GcpContractServer,
  permissionDeniedError,
} from '@coder-platform/testing';
import { createGcpComputeNetworkAction } from './gcpComputeNetwork';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);
describe('gcp:compute:network', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpComputeNetworkAction>;
  const nodeports = {
    name: 'dev-rule-nodeports',
    protocol: 'tcp',
    ports: ['30000-32767'],
    sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
    targetTags: ['dev-gke'],
  };
  const input = { name: 'dev-vpc', firewallRules: [nodeports] };
  const res = (path: string) =>
    gcp.rest.compute.get(`projects/${PROJECT}/${path}`);

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpComputeNetworkAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.disabledApis.clear();
    gcp.pollsToComplete = 2;
  });

  it('creates a custom-mode VPC, the subnet and the firewall rule', async () => {
    const { ctx, outputs } = mockContext(input);
    await action.handler(ctx);
    expect(res('global/networks/dev-vpc')).toMatchObject({
      autoCreateSubnetworks: false,
      routingConfig: { routingMode: 'REGIONAL' },
    });
    expect(res('regions/europe-west3/subnetworks/dev-subnet')).toMatchObject({
      ipCidrRange: '10.55.0.0/24',
      privateIpGoogleAccess: true,
      network: expect.stringMatching(/global\/networks\/dev-vpc$/),
    });
    expect(res('global/firewalls/dev-rule-nodeports')).toMatchObject({
      allowed: [{ IPProtocol: 'tcp', ports: ['30000-32767'] }],
      sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
      targetTags: ['dev-gke'],
      direction: 'INGRESS',
    });
    expect(outputs()).toMatchObject({
      network: 'dev-vpc',
      subnet: 'dev-subnet',
      firewallRules: ['dev-rule-nodeports'],
      changed: true,
    });
    expect(ctx.checkpoint.mock.calls.map((c: any[]) => c[0].key)).toEqual([
      `gcp:compute:network:projects/${PROJECT}/global/networks/dev-vpc:create`,
      `gcp:compute:network:projects/${PROJECT}/global/networks/dev-vpc:subnet:dev-subnet:create`,
      `gcp:compute:network:projects/${PROJECT}/global/networks/dev-vpc:firewall:dev-rule-nodeports:create`,
    ]);
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext(input);
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(gcp.calls.byRpc()).toEqual({
      'compute.firewalls.get': 1,
      'compute.networks.get': 1,
      'compute.subnetworks.get': 1,
    });
    expect(logs().match(/nothing to do/g)).toHaveLength(3);
    expect(outputs().changed).toBe(false);
  });

  it('updates drift in the subnet and the firewall rule', async () => {
    res('regions/europe-west3/subnetworks/dev-subnet')!.privateIpGoogleAccess =
      false;
    res('global/firewalls/dev-rule-nodeports')!.sourceRanges = ['0.0.0.0/0'];
    const { ctx, logs } = mockContext(input);
    await action.handler(ctx);
    expect(logs()).toMatch(
      /subnet dev-subnet: update fields privateIpGoogleAccess/,
    );
    expect(logs()).toMatch(
      /firewall rule dev-rule-nodeports: update fields sourceRanges/,
    );
    expect(
      res('regions/europe-west3/subnetworks/dev-subnet')!.privateIpGoogleAccess,
    ).toBe(true);
    expect(res('global/firewalls/dev-rule-nodeports')!.sourceRanges).toEqual([
      '35.191.0.0/16',
      '130.211.0.0/22',
    ]);
  });

  it('dry run reads but writes nothing and logs the plan', async () => {
    const { ctx, logs } = mockContext(
      {
        name: 'preview-vpc',
        firewallRules: [{ ...nodeports, name: 'preview-fw' }],
      },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(res('global/networks/preview-vpc')).toBeUndefined();
    expect(logs()).toMatch(/\[dry run\] network preview-vpc: create/);
    expect(logs()).toMatch(/\[dry run\] subnet preview-subnet: create/);
    expect(logs()).toMatch(/\[dry run\] firewall rule preview-fw: create/);
  });

  it.each([
    [
      { name: 'dev-vpc', firewallRules: [{ name: 'open', ports: ['22'] }] },
      /firewallRules\.0\.sourceRanges: Required/,
    ],
    [
      {
        name: 'dev-vpc',
        firewallRules: [{ name: 'open', ports: ['22'], sourceRanges: [] }],
      },
      /firewallRules\.0\.sourceRanges: state the source ranges explicitly/,
    ],
    [
      { name: 'dev-vpc', subnet: { ipCidrRange: '10.55.0.0' } },
      /subnet\.ipCidrRange: must be an IPv4 CIDR/,
    ],
    [{ name: 'Dev VPC' }, /name: must start with a lowercase letter/],
    [
      { name: 'dev-vpc', subnet: { ipCidrRange: '10.66.0.0/24' } },
      /subnet\.ipCidrRange: subnet dev-subnet has 10\.55\.0\.0\/24/,
    ],
  ])('rejects bad input %j naming the field', async (bad, message) => {
    const { ctx } = mockContext(bad);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('names the missing permission for firewall rules', async () => {
    gcp.inject({
      rpc: 'compute.firewalls.insert',
      error: permissionDeniedError(
        'compute.firewalls.create',
        `projects/${PROJECT}/global/firewalls/x`,
      ),
    });
    const { ctx } = mockContext({
      name: 'dev-vpc',
      firewallRules: [{ ...nodeports, name: 'dev-rule-ssh', ports: ['22'] }],
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /lack the permission 'compute.firewalls.create' \(granted by roles\/compute.securityAdmin\)/,
    );
  });

  it('explains a disabled Compute API', async () => {
    gcp.disabledApis.add('compute.googleapis.com');
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(
      /API compute.googleapis.com is not enabled/,
    );
  });

  it('retries 503s', async () => {
    gcp.inject({
      rpc: 'compute.networks.insert',
      error: 'UNAVAILABLE',
      times: 2,
    });
    const { ctx } = mockContext({ name: 'retry-vpc' });
    await action.handler(ctx);
    expect(gcp.calls.count('compute.networks.insert')).toBe(3);
    expect(res('global/networks/retry-vpc')).toBeDefined();
  });

  it('stops waiting when the task is aborted', async () => {
    gcp.pollsToComplete = 1_000_000;
    const { ctx } = mockContext(
      { name: 'slow-vpc' },
      { abortWhenLogged: /still running/ },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
    expect(gcp.calls.count('compute.globalOperations.get')).toBeGreaterThan(0);
  });

  it('deletes rules, subnet and network with state: absent', async () => {
    const { ctx } = mockContext({
      ...input,
      name: 'retry-vpc',
      firewallRules: [],
      state: 'absent',
    });
    await action.handler(ctx);
    expect(res('global/networks/retry-vpc')).toBeUndefined();
    const del = mockContext({ ...input, state: 'absent' });
    await action.handler(del.ctx);
    expect(res('global/networks/dev-vpc')).toBeUndefined();
    expect(res('regions/europe-west3/subnetworks/dev-subnet')).toBeUndefined();
    expect(res('global/firewalls/dev-rule-nodeports')).toBeUndefined();
    const again = mockContext({ ...input, state: 'absent' });
    await action.handler(again.ctx);
    expect(again.logs()).toMatch(
      /network dev-vpc: nothing to do \(already absent\)/,
    );
    expect(again.outputs().changed).toBe(false);
  });
});
