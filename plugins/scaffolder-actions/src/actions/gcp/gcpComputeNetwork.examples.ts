import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'VPC, subnet 10.55.0.0/24 with private Google access, NodePorts open only to the load balancer health-check ranges',
    example: yaml.stringify({
      steps: [
        {
          id: 'network',
          action: 'gcp:compute:network',
          name: 'VPC network',
          input: {
            projectId: 'acme-coder',
            name: 'dev-vpc',
            region: 'europe-west3',
            subnet: { ipCidrRange: '10.55.0.0/24' },
            firewallRules: [
              {
                name: 'dev-rule-nodeports',
                protocol: 'tcp',
                ports: ['30000-32767'],
                sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
                targetTags: ['dev-gke'],
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description: 'Delete the firewall rules, subnet and network (teardown)',
    example: yaml.stringify({
      steps: [
        {
          id: 'network-delete',
          action: 'gcp:compute:network',
          name: 'Delete VPC network',
          input: {
            projectId: 'acme-coder',
            name: 'dev-vpc',
            firewallRules: [
              { name: 'dev-rule-nodeports', sourceRanges: ['35.191.0.0/16'] },
            ],
            state: 'absent',
          },
        },
      ],
    }),
  },
];
