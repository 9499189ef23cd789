import {
  GcpContractServer,
  permissionDeniedError,
} from '@coder-platform/testing';
import {
  createGcpServicesEnableAction,
  DEFAULT_SERVICES,
} from './gcpServicesEnable';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);

describe('gcp:services:enable', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpServicesEnableAction>;
  const enabled = () =>
    [...(gcp.grpc.enabledServices.get(`projects/${PROJECT}`) ?? [])].sort();

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpServicesEnableAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.pollsToComplete = 2;
  });

  it('enables the default services and waits for the operation', async () => {
    gcp.grpc.enableServices(PROJECT, ['compute.googleapis.com']);
    const { ctx, outputs } = mockContext({});
    await action.handler(ctx);
    expect(enabled()).toEqual([...DEFAULT_SERVICES].sort());
    expect(outputs().newlyEnabled).toEqual(
      DEFAULT_SERVICES.filter(s => s !== 'compute.googleapis.com'),
    );
    expect(gcp.calls.count('serviceusage.BatchEnableServices')).toBe(1);
    expect(gcp.calls.count('longrunning.GetOperation')).toBeGreaterThan(0);
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: `gcp:services:enable:projects/${PROJECT}:enable:${DEFAULT_SERVICES.filter(
          s => s !== 'compute.googleapis.com',
        )
          .sort()
          .join(',')}`,
      }),
    );
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext({});
    await action.handler(ctx);
    expect(gcp.calls.byRpc()).toEqual({ 'serviceusage.BatchGetServices': 1 });
    expect(logs().match(/nothing to do/g)).toHaveLength(
      DEFAULT_SERVICES.length,
    );
    expect(outputs()).toMatchObject({ changed: false, newlyEnabled: [] });
  });

  it('re-enables a service disabled since (drift)', async () => {
    gcp.grpc.enabledServices
      .get(`projects/${PROJECT}`)!
      .delete('dns.googleapis.com');
    const { ctx, logs } = mockContext({ services: ['dns', 'compute'] });
    await action.handler(ctx);
    expect(logs()).toMatch(/service dns.googleapis.com: create/);
    expect(enabled()).toContain('dns.googleapis.com');
  });

  it('dry run reads but enables nothing', async () => {
    const { ctx, outputs, logs } = mockContext(
      { services: ['logging'] },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(enabled()).not.toContain('logging.googleapis.com');
    expect(logs()).toMatch(
      /\[dry run\] service logging.googleapis.com: create/,
    );
    expect(outputs().newlyEnabled).toEqual(['logging.googleapis.com']);
  });

  it.each([
    [{ services: [] }, /services: Array must contain at least 1/],
    [{ services: ['Compute Engine'] }, /services\.0: must be a service name/],
    [{ projectId: 'X' }, /projectId: must be a GCP project ID/],
  ])('rejects bad input %j naming the field', async (input, message) => {
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(message);
  });

  it('turns upstream errors into clear messages', async () => {
    const unknown = mockContext({ services: ['no-such-api'] });
    await expect(action.handler(unknown.ctx)).rejects.toThrow(
      /Not found or permission denied for service\(s\): no-such-api.googleapis.com/,
    );
    gcp.inject({
      rpc: 'serviceusage.BatchEnableServices',
      error: permissionDeniedError(
        'serviceusage.services.enable',
        `projects/${PROJECT}`,
      ),
    });
    const denied = mockContext({ services: ['monitoring'] });
    await expect(action.handler(denied.ctx)).rejects.toThrow(
      /'serviceusage.services.enable' \(granted by roles\/serviceusage.serviceUsageAdmin\)/,
    );
  });

  it('a resumed run enables the services a failed batch left out', async () => {
    // 25 services: two batches (20 + 5). The first run enables the first
    // batch, then fails on the second; the resumed run, with the same
    // checkpoint store, must enable the remaining 5 rather than replay the
    // first batch's operation under a key by position.
    const services = Array.from(
      { length: 25 },
      (_, i) => `svc${String(i).padStart(2, '0')}.googleapis.com`,
    );
    services.forEach(s => gcp.grpc.knownServices.add(s));
    const checkpoints = new Map<string, unknown>();
    // The first batch succeeds, the second is denied.
    let calls = 0;
    const first = mockContext({ services }, { checkpoints });
    const original = first.ctx.checkpoint.getMockImplementation();
    first.ctx.checkpoint.mockImplementation(async (arg: any) => {
      calls += 1;
      if (calls === 2) {
        gcp.inject({
          rpc: 'serviceusage.BatchEnableServices',
          error: permissionDeniedError(
            'serviceusage.services.enable',
            `projects/${PROJECT}`,
          ),
        });
      }
      return original(arg);
    });
    await expect(action.handler(first.ctx)).rejects.toThrow(/permission/);
    expect(enabled().filter(s => s.startsWith('svc'))).toHaveLength(20);

    const resumed = mockContext({ services }, { checkpoints });
    await action.handler(resumed.ctx);
    expect(enabled().filter(s => s.startsWith('svc'))).toEqual(services);
    expect(resumed.outputs().newlyEnabled).toEqual(services.slice(20));
  });

  it('retries transient errors', async () => {
    gcp.inject({
      rpc: 'serviceusage.BatchGetServices',
      error: 'UNAVAILABLE',
      times: 2,
    });
    const { ctx } = mockContext({ services: ['compute'] });
    await action.handler(ctx);
    expect(gcp.calls.count('serviceusage.BatchGetServices')).toBe(3);
  });

  it('stops waiting when the task is aborted', async () => {
    gcp.pollsToComplete = 1_000_000;
    const { ctx } = mockContext(
      { services: ['monitoring'] },
      { abortWhenLogged: /still running/ },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
  });
});
