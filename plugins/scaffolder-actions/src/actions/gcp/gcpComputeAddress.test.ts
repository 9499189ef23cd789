import { GcpContractServer, quotaExceededError } from '@coder-platform/testing';
import { createGcpComputeAddressAction } from './gcpComputeAddress';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);

describe('gcp:compute:address', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpComputeAddressAction>;
  const address = (name = 'dev-cluster-lb-ip') =>
    gcp.rest.compute.get(
      `projects/${PROJECT}/regions/europe-west3/addresses/${name}`,
    );
  const input = { name: 'dev-cluster-lb-ip', labels: { cluster: 'dev' } };

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpComputeAddressAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.pollsToComplete = 2;
  });

  it('reserves the address and outputs it', async () => {
    const { ctx, outputs } = mockContext(input);
    await action.handler(ctx);
    expect(address()).toMatchObject({
      addressType: 'EXTERNAL',
      networkTier: 'PREMIUM',
      labels: { cluster: 'dev' },
    });
    expect(outputs()).toMatchObject({
      name: 'dev-cluster-lb-ip',
      address: address()!.address,
      changed: true,
    });
    expect(outputs().address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext(input);
    await action.handler(ctx);
    expect(gcp.calls.byRpc()).toEqual({ 'compute.addresses.get': 1 });
    expect(logs()).toMatch(/nothing to do/);
    expect(outputs()).toMatchObject({
      changed: false,
      address: address()!.address,
    });
  });

  it('updates drifted labels with the label fingerprint', async () => {
    address()!.labels = { cluster: 'old' };
    const { ctx, logs } = mockContext(input);
    await action.handler(ctx);
    expect(logs()).toMatch(/update fields labels/);
    expect(address()!.labels).toEqual({ cluster: 'dev' });
  });

  it('dry run reads but writes nothing', async () => {
    const { ctx, outputs, logs } = mockContext(
      { name: 'preview-ip' },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(address('preview-ip')).toBeUndefined();
    expect(logs()).toMatch(
      /\[dry run\] address preview-ip \(europe-west3\): create/,
    );
    // A later A record chains it: a valid IPv4, documented as planned.
    expect(outputs()).toMatchObject({ address: '0.0.0.0', reserved: false });
  });

  it.each([
    [{ name: 'IP' }, /name: must start with a lowercase letter/],
    [{ name: 'x-ip', region: 'europe-west3-c' }, /region: must be a region/],
    [
      { name: 'dev-cluster-lb-ip', networkTier: 'STANDARD' },
      /networkTier: .* cannot change in place/,
    ],
  ])('rejects bad input %j naming the field', async (bad, message) => {
    const { ctx } = mockContext(bad);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('reports an exhausted quota clearly', async () => {
    gcp.inject({
      rpc: 'compute.addresses.insert',
      error: quotaExceededError('STATIC_ADDRESSES', 8, 'europe-west3'),
    });
    const { ctx } = mockContext({ name: 'one-too-many' });
    await expect(action.handler(ctx)).rejects.toThrow(
      /quota exceeded.*STATIC_ADDRESSES/,
    );
    expect(gcp.calls.count('compute.addresses.insert')).toBe(1);
  });

  it('retries transient errors', async () => {
    gcp.inject({
      rpc: 'compute.regionOperations.get',
      error: 'UNAVAILABLE',
      times: 2,
    });
    const { ctx } = mockContext({ name: 'retry-ip' });
    await action.handler(ctx);
    expect(address('retry-ip')).toBeDefined();
  });

  it('stops waiting when the task is aborted', async () => {
    gcp.pollsToComplete = 1_000_000;
    const { ctx } = mockContext(
      { name: 'slow-ip' },
      { abortWhenLogged: /still running/ },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
  });

  it('releases the address with state: absent', async () => {
    const { ctx } = mockContext({ name: 'retry-ip', state: 'absent' });
    await action.handler(ctx);
    expect(address('retry-ip')).toBeUndefined();
    const again = mockContext({ name: 'retry-ip', state: 'absent' });
    await action.handler(again.ctx);
    expect(again.logs()).toMatch(/already absent/);
  });
});
