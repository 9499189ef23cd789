import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import { createGcpDnsRecordSetAction } from './gcpDnsRecordSet';
import { examples } from './gcpDnsRecordSet.examples';
import { describeExamples } from './__testUtils__/describeExamples';
import { actionOptions, mockContext } from './__testUtils__/harness';

// Cloud DNS's client (via @google-cloud/common) sends requests with
// teeny-request 10, which loads node-fetch with a dynamic import() that jest
// cannot run (backstage-cli compiles node packages with swc's
// module.ignoreDynamic, and Node refuses import() in jest's vm without
// --experimental-vm-modules, which breaks the static imports of the ESM
// clients). Give it teeny-request 11 (same API) whose node:http transport
// startGcp() selects: requests still go over TLS to the contract server.
// Test-only; production code is unchanged.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

const records = (gcp: any) =>
  gcp.rest.zones
    .get('projects/acme-coder/managedZones/isium-de')!
    .rrsets.filter((r: any) => r.type !== 'NS' && r.type !== 'SOA')
    .map((r: any) => [r.name, r.type, r.ttl, r.rrdatas]);

describeExamples(
  'gcp:dns:record-set',
  createGcpDnsRecordSetAction,
  examples,
  {
    'The seed records: A lb.<cluster>.<domain> to the static IP and a wildcard CNAME to it, TTL 60':
      {
        mutations: { 'dns.changes.create': 1 },
        state: (gcp, outputs) => {
          expect(records(gcp)).toEqual([
            ['lb.dev.isium.de.', 'A', 60, ['34.107.0.10']],
            ['*.dev.isium.de.', 'CNAME', 60, ['lb.dev.isium.de.']],
          ]);
          expect(outputs.records).toEqual([
            'lb.dev.isium.de.',
            '*.dev.isium.de.',
          ]);
        },
      },
    'Delete the records (teardown)': {
      mutations: { 'dns.changes.create': 1 },
      state: gcp => expect(records(gcp)).toEqual([]),
    },
  },
  {
    // The examples add records to this zone.
    before: async gcp => {
      await createGcpDnsManagedZoneAction(actionOptions(gcp)).handler(
        mockContext({ name: 'isium-de', dnsName: 'isium.de' }).ctx,
      );
    },
  },
);
