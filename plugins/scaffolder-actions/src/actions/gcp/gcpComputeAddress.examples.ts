import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Static IP of the ingress load balancer (the seed: <cluster>-cluster-lb-ip)',
    example: yaml.stringify({
      steps: [
        {
          id: 'lb-ip',
          action: 'gcp:compute:address',
          name: 'Load balancer IP',
          input: {
            projectId: 'acme-coder',
            name: 'dev-cluster-lb-ip',
            region: 'europe-west3',
            labels: { cluster: 'dev' },
          },
        },
      ],
    }),
  },
  {
    description: 'Release the address (teardown)',
    example: yaml.stringify({
      steps: [
        {
          id: 'lb-ip-delete',
          action: 'gcp:compute:address',
          name: 'Release load balancer IP',
          input: {
            projectId: 'acme-coder',
            name: 'dev-cluster-lb-ip',
            region: 'europe-west3',
            state: 'absent',
          },
        },
      ],
    }),
  },
];
