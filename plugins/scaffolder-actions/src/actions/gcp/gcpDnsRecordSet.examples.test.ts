import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import { createGcpDnsRecordSetAction } from './gcpDnsRecordSet';
import { examples } from './gcpDnsRecordSet.examples';
import { describeExamples } from './__testUtils__/describeExamples';
import { actionOptions, mockContext } from './__testUtils__/harness';

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

// The examples add records to this zone.
describeExamples('gcp:dns:record-set', createGcpDnsRecordSetAction, examples, {
  before: async gcp => {
    await createGcpDnsManagedZoneAction(actionOptions(gcp)).handler(
      mockContext({ name: 'isium-de', dnsName: 'isium.de' }).ctx,
    );
  },
});
