import { createGcpComputeNetworkAction } from './gcpComputeNetwork';
import { examples } from './gcpComputeNetwork.examples';
import { describeExamples } from './__testUtils__/describeExamples';

const P = 'projects/acme-coder';
const NETWORK = `${P}/global/networks/dev-vpc`;
const SUBNET = `${P}/regions/europe-west3/subnetworks/dev-subnet`;
const RULE = `${P}/global/firewalls/dev-rule-nodeports`;

describeExamples(
  'gcp:compute:network',
  createGcpComputeNetworkAction,
  examples,
  {
    'VPC, subnet 10.55.0.0/24 with private Google access, NodePorts open only to the load balancer health-check ranges':
      {
        mutations: {
          'compute.networks.insert': 1,
          'compute.subnetworks.insert': 1,
          'compute.firewalls.insert': 1,
        },
        state: gcp => {
          expect(gcp.rest.compute.get(NETWORK)).toMatchObject({
            autoCreateSubnetworks: false,
          });
          expect(gcp.rest.compute.get(SUBNET)).toMatchObject({
            ipCidrRange: '10.55.0.0/24',
            privateIpGoogleAccess: true,
          });
          expect(gcp.rest.compute.get(RULE)).toMatchObject({
            sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
            targetTags: ['dev-gke'],
            allowed: [{ IPProtocol: 'tcp', ports: ['30000-32767'] }],
          });
        },
      },
    'Delete the firewall rules, subnet and network (teardown)': {
      mutations: {
        'compute.firewalls.delete': 1,
        'compute.subnetworks.delete': 1,
        'compute.networks.delete': 1,
      },
      state: gcp => {
        for (const key of [RULE, SUBNET, NETWORK])
          expect(gcp.rest.compute.has(key)).toBe(false);
      },
    },
  },
);
