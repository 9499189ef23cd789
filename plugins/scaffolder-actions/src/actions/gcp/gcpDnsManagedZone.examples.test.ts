import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import { examples } from './gcpDnsManagedZone.examples';
import { describeExamples } from './__testUtils__/describeExamples';

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

describeExamples(
  'gcp:dns:managed-zone',
  createGcpDnsManagedZoneAction,
  examples,
  {
    'Managed zone for the cluster domain; delegate the domain to the name servers it outputs':
      {
        mutations: { 'dns.managedZones.create': 1 },
        state: (gcp, outputs) => {
          const zone = gcp.rest.zones.get(
            'projects/acme-coder/managedZones/isium-de',
          )!.zone;
          expect(zone).toMatchObject({
            dnsName: 'isium.de.',
            visibility: 'public',
          });
          expect(outputs.nameServers).toEqual(zone.nameServers);
          expect(zone.nameServers).toHaveLength(4);
        },
      },
  },
);
