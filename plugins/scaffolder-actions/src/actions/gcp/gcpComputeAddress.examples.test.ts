import { createGcpComputeAddressAction } from './gcpComputeAddress';
import { examples } from './gcpComputeAddress.examples';
import { describeExamples } from './__testUtils__/describeExamples';

const KEY =
  'projects/acme-coder/regions/europe-west3/addresses/dev-cluster-lb-ip';

describeExamples(
  'gcp:compute:address',
  createGcpComputeAddressAction,
  examples,
  {
    'Static IP of the ingress load balancer (the seed: <cluster>-cluster-lb-ip)':
      {
        mutations: { 'compute.addresses.insert': 1 },
        state: (gcp, outputs) => {
          const address = gcp.rest.compute.get(KEY)!;
          expect(address).toMatchObject({
            name: 'dev-cluster-lb-ip',
            addressType: 'EXTERNAL',
            networkTier: 'PREMIUM',
            labels: { cluster: 'dev' },
            status: 'RESERVED',
          });
          expect(outputs).toMatchObject({
            address: address.address,
            reserved: true,
          });
        },
      },
    'Release the address (teardown)': {
      mutations: { 'compute.addresses.delete': 1 },
      state: (gcp, outputs) => {
        expect(gcp.rest.compute.has(KEY)).toBe(false);
        expect(outputs.reserved).toBe(false);
      },
    },
  },
);
