import { GcpContractServer } from '@coder-platform/testing';
import { createGcpActions } from './index';
import { actionOptions, mockContext, startGcp } from './__testUtils__/harness';

// See gcpDnsManagedZone.examples.test.ts.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(60_000);

// The one bounded backoff (retry.ts) decides how often a call is tried: the
// official clients' own retries are off, so a failing upstream sees exactly
// retry.maxAttempts calls, not that many times the client's own attempts.
describe('GcpClients: no client-level retries beneath the actions’ backoff', () => {
  let gcp: GcpContractServer;
  beforeAll(async () => {
    gcp = await startGcp(1);
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
  });

  it.each([
    ['gcp:compute:address', { name: 'x-ip' }, 'compute.addresses.get'],
    ['gcp:compute:network', { name: 'x-vpc' }, 'compute.networks.get'],
    ['gcp:gke:cluster', { name: 'x-gke' }, 'container.GetCluster'],
    [
      'gcp:services:enable',
      { services: ['dns'] },
      'serviceusage.BatchGetServices',
    ],
    [
      'gcp:dns:managed-zone',
      { name: 'x-zone', dnsName: 'x.example' },
      'dns.managedZones.get',
    ],
    [
      'gcp:iam:service-account',
      { accountId: 'x-account' },
      'iam.serviceAccounts.get',
    ],
  ])(
    '%s: %s is called retry.maxAttempts (3) times on 503',
    async (id, input, rpc) => {
      gcp.inject({ rpc, error: 'UNAVAILABLE', times: 1_000 });
      const action = createGcpActions(
        actionOptions(gcp, {
          retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
        }),
      ).find(a => a.id === id)!;
      await expect(action.handler(mockContext(input).ctx)).rejects.toThrow(
        /Could not/,
      );
      expect(gcp.calls.count(rpc)).toBe(3);
    },
  );
});
