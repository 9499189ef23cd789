import {
  GcpContractServer,
  permissionDeniedError,
} from '@coder-platform/testing';
import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// Cloud DNS's client (via @google-cloud/common) sends requests with
// teeny-request 10, which loads node-fetch with a dynamic import() that jest
// cannot run. Give it teeny-request 11 (same API) whose node:http transport
// startGcp() selects. Test-only; production code is unchanged.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);

describe('gcp:dns:managed-zone', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpDnsManagedZoneAction>;
  const zone = () =>
    gcp.rest.zones.get(`projects/${PROJECT}/managedZones/isium-de`)?.zone;

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpDnsManagedZoneAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.disabledApis.clear();
  });

  it('creates the zone and outputs its name servers for delegation', async () => {
    const { ctx, outputs, logs } = mockContext({
      name: 'isium-de',
      dnsName: 'isium.de',
    });
    await action.handler(ctx);
    expect(zone()).toMatchObject({
      dnsName: 'isium.de.',
      description: 'Managed zone for isium.de',
    });
    expect(outputs()).toMatchObject({
      name: 'isium-de',
      dnsName: 'isium.de.',
      nameServers: expect.arrayContaining([
        expect.stringMatching(/^ns-cloud-.*\.googledomains\.com\.$/),
      ]),
      changed: true,
    });
    expect(logs()).toMatch(
      /Delegate isium.de. to the zone's name servers: ns-cloud-/,
    );
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: `gcp:dns:managed-zone:projects/${PROJECT}/managedZones/isium-de:create`,
      }),
    );
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext({
      name: 'isium-de',
      dnsName: 'isium.de.',
    });
    await action.handler(ctx);
    expect(gcp.calls.byRpc()).toEqual({ 'dns.managedZones.get': 1 });
    expect(logs()).toMatch(/nothing to do/);
    expect(outputs()).toMatchObject({
      changed: false,
      nameServers: zone()!.nameServers,
    });
  });

  it('updates drift in description and labels', async () => {
    zone()!.description = 'edited by hand';
    const { ctx, logs } = mockContext({
      name: 'isium-de',
      dnsName: 'isium.de',
      labels: { team: 'platform' },
    });
    await action.handler(ctx);
    expect(logs()).toMatch(/update fields description, labels/);
    expect(zone()).toMatchObject({
      description: 'Managed zone for isium.de',
      labels: { team: 'platform' },
    });
  });

  it('dry run reads but writes nothing', async () => {
    const { ctx, logs } = mockContext(
      { name: 'other-de', dnsName: 'other.de' },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(
      gcp.rest.zones.has(`projects/${PROJECT}/managedZones/other-de`),
    ).toBe(false);
    expect(logs()).toMatch(
      /\[dry run\] managed zone other-de \(other.de.\): create/,
    );
  });

  it.each([
    [
      { name: 'isium_de', dnsName: 'isium.de' },
      /name: must start with a lowercase letter/,
    ],
    [
      { name: 'bad', dnsName: 'not a domain' },
      /dnsName: must be a domain name/,
    ],
    [
      { name: 'isium-de', dnsName: 'example.org' },
      /dnsName: managed zone isium-de serves isium.de., not example.org./,
    ],
  ])('rejects bad input %j naming the field', async (input, message) => {
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('turns upstream errors into clear messages', async () => {
    gcp.inject({
      rpc: 'dns.managedZones.create',
      error: permissionDeniedError(
        'dns.managedZones.create',
        `projects/${PROJECT}`,
      ),
    });
    const denied = mockContext({ name: 'denied-de', dnsName: 'denied.de' });
    await expect(action.handler(denied.ctx)).rejects.toThrow(
      /lack the permission 'dns.managedZones.create' \(granted by roles\/dns.admin\)/,
    );
    gcp.disabledApis.add('dns.googleapis.com');
    const disabled = mockContext({ name: 'denied-de', dnsName: 'denied.de' });
    await expect(action.handler(disabled.ctx)).rejects.toThrow(
      /API dns.googleapis.com is not enabled/,
    );
  });

  it('retries transient errors', async () => {
    gcp.inject({ rpc: 'dns.managedZones.get', error: 'UNAVAILABLE', times: 2 });
    gcp.inject({
      rpc: 'dns.managedZones.create',
      error: 'RESOURCE_EXHAUSTED',
      times: 1,
    });
    const { ctx } = mockContext({ name: 'flaky-de', dnsName: 'flaky.de' });
    await action.handler(ctx);
    expect(gcp.calls.count('dns.managedZones.create')).toBe(2);
    expect(
      gcp.rest.zones.has(`projects/${PROJECT}/managedZones/flaky-de`),
    ).toBe(true);
  });

  it('stops when the task is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = mockContext(
      { name: 'late-de', dnsName: 'late.de' },
      { signal: controller.signal },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
    expect(gcp.calls.count()).toBe(0);
  });
});
