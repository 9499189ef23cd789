import { GcpContractServer } from '@coder-platform/testing';
import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import { createGcpDnsRecordSetAction } from './gcpDnsRecordSet';
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

describe('gcp:dns:record-set', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpDnsRecordSetAction>;
  const rrsets = () =>
    gcp.rest.zones
      .get(`projects/${PROJECT}/managedZones/isium-de`)!
      .rrsets.filter(r => r.type !== 'NS' && r.type !== 'SOA');
  const records = [
    { name: 'lb.dev', type: 'A', ttl: 60, rrdatas: ['34.107.0.10'] },
    { name: '*.dev', type: 'CNAME', ttl: 60, rrdatas: ['lb.dev.isium.de'] },
  ];

  beforeAll(async () => {
    gcp = await startGcp();
    const options = actionOptions(gcp);
    await createGcpDnsManagedZoneAction(options).handler(
      mockContext({ name: 'isium-de', dnsName: 'isium.de' }).ctx,
    );
    action = createGcpDnsRecordSetAction(options);
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.disabledApis.clear();
    gcp.pollsToComplete = 2;
  });

  it('creates the records in one change and waits for it', async () => {
    const { ctx, outputs } = mockContext({ zone: 'isium-de', records });
    await action.handler(ctx);
    expect(rrsets().map(r => [r.name, r.type, r.ttl, r.rrdatas])).toEqual([
      ['lb.dev.isium.de.', 'A', 60, ['34.107.0.10']],
      ['*.dev.isium.de.', 'CNAME', 60, ['lb.dev.isium.de.']],
    ]);
    expect(gcp.calls.count('dns.changes.create')).toBe(1);
    expect(gcp.calls.count('dns.changes.get')).toBeGreaterThan(0);
    expect(outputs()).toMatchObject({
      records: ['lb.dev.isium.de.', '*.dev.isium.de.'],
      changed: true,
      changeId: expect.any(String),
    });
  });

  it('two steps on one zone keep their own checkpoints (keys name the records)', async () => {
    const checkpoints = new Map<string, unknown>();
    const first = mockContext(
      {
        zone: 'isium-de',
        records: [{ name: 'a.keys', type: 'A', rrdatas: ['10.0.0.1'] }],
      },
      { checkpoints },
    );
    await action.handler(first.ctx);
    const second = mockContext(
      {
        zone: 'isium-de',
        records: [{ name: 'b.keys', type: 'A', rrdatas: ['10.0.0.2'] }],
      },
      { checkpoints },
    );
    await action.handler(second.ctx);
    expect(
      rrsets()
        .filter(r => r.name.endsWith('.keys.isium.de.'))
        .map(r => r.name),
    ).toEqual(['a.keys.isium.de.', 'b.keys.isium.de.']);
    expect([...checkpoints.keys()]).toEqual([
      `gcp:dns:record-set:projects/${PROJECT}/managedZones/isium-de:present:a.keys.isium.de. A`,
      `gcp:dns:record-set:projects/${PROJECT}/managedZones/isium-de:present:b.keys.isium.de. A`,
    ]);
    await action.handler(
      mockContext({
        zone: 'isium-de',
        state: 'absent',
        records: [
          { name: 'a.keys', type: 'A', rrdatas: ['10.0.0.1'] },
          { name: 'b.keys', type: 'A', rrdatas: ['10.0.0.2'] },
        ],
      }).ctx,
    );
  });

  it('dry run of a zone an earlier step creates plans every record', async () => {
    const { ctx, outputs, logs } = mockContext(
      { zone: 'not-yet', records },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(logs()).toMatch(/managed zone not-yet does not exist .* yet/);
    expect(logs()).toMatch(/\[dry run\] record set A lb.dev: create/);
    expect(outputs()).toMatchObject({ records: ['lb.dev', '*.dev'] });
    const real = mockContext({ zone: 'not-yet', records });
    await expect(action.handler(real.ctx)).rejects.toThrow(
      /zone: managed zone not-yet does not exist/,
    );
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext({ zone: 'isium-de', records });
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(logs().match(/nothing to do/g)).toHaveLength(2);
    expect(outputs().changed).toBe(false);
  });

  it('replaces a drifted record atomically (deletion + addition)', async () => {
    rrsets()[0].rrdatas = ['1.2.3.4'];
    const { ctx, logs } = mockContext({ zone: 'isium-de', records });
    await action.handler(ctx);
    expect(logs()).toMatch(
      /record set A lb.dev.isium.de.: update fields rrdatas/,
    );
    expect(gcp.calls.count('dns.changes.create')).toBe(1);
    expect(rrsets().find(r => r.type === 'A')!.rrdatas).toEqual([
      '34.107.0.10',
    ]);
  });

  it('dry run reads but writes nothing', async () => {
    const { ctx, logs } = mockContext(
      {
        zone: 'isium-de',
        records: [{ name: 'new', type: 'A', rrdatas: ['10.0.0.1'] }],
      },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(logs()).toMatch(/\[dry run\] record set A new.isium.de.: create/);
  });

  it.each([
    [
      {
        zone: 'isium-de',
        records: [{ name: 'lb', type: 'A', rrdatas: ['not-an-ip'] }],
      },
      /records\.0\.rrdatas\.0: 'not-an-ip' is not an IPv4 address/,
    ],
    [
      {
        zone: 'isium-de',
        records: [{ name: 'x.example.org.', type: 'A', rrdatas: ['10.0.0.1'] }],
      },
      /records\.0\.name: x.example.org. is not inside the zone/,
    ],
    [
      { zone: 'missing-zone', records },
      /zone: managed zone missing-zone does not exist/,
    ],
    [
      { zone: 'isium-de', records: [] },
      /records: Array must contain at least 1/,
    ],
  ])('rejects bad input %j naming the field', async (input, message) => {
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('turns an upstream conflict into a clear message', async () => {
    gcp.inject({ rpc: 'dns.changes.create', error: 'FAILED_PRECONDITION' });
    const { ctx } = mockContext({
      zone: 'isium-de',
      records: [{ name: 'conflict', type: 'TXT', rrdatas: ['"x"'] }],
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /Could not change 1 addition\(s\), 0 deletion\(s\) in zone isium-de in project acme-coder: the API rejected the request/,
    );
  });

  it('retries transient errors', async () => {
    gcp.inject({
      rpc: 'dns.resourceRecordSets.list',
      error: 'UNAVAILABLE',
      times: 2,
    });
    const { ctx } = mockContext({ zone: 'isium-de', records });
    await action.handler(ctx);
    expect(gcp.calls.count('dns.resourceRecordSets.list')).toBe(4);
  });

  it('stops waiting for the change when the task is aborted', async () => {
    gcp.pollsToComplete = 1_000_000;
    const { ctx } = mockContext(
      {
        zone: 'isium-de',
        records: [{ name: 'slow', type: 'A', rrdatas: ['10.0.0.2'] }],
      },
      { abortWhenLogged: /still running/ },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
  });

  it('deletes the records with state: absent', async () => {
    const { ctx } = mockContext({ zone: 'isium-de', records, state: 'absent' });
    await action.handler(ctx);
    expect(rrsets().map(r => r.name)).toEqual(['slow.isium.de.']);
    const again = mockContext({ zone: 'isium-de', records, state: 'absent' });
    await action.handler(again.ctx);
    expect(again.logs().match(/already absent/g)).toHaveLength(2);
  });
});
