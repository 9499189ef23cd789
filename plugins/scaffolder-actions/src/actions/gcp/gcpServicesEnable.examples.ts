import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Enable the APIs a Coder development cluster needs (the default list)',
    example: yaml.stringify({
      steps: [
        {
          id: 'apis',
          action: 'gcp:services:enable',
          name: 'Enable APIs',
          input: { projectId: 'acme-coder' },
        },
      ],
    }),
  },
  {
    description:
      'Enable named APIs, e.g. for the monitoring stack (bare names get .googleapis.com)',
    example: yaml.stringify({
      steps: [
        {
          id: 'apis',
          action: 'gcp:services:enable',
          name: 'Enable APIs',
          input: {
            projectId: 'acme-coder',
            services: [
              'compute',
              'container',
              'dns.googleapis.com',
              'logging',
              'monitoring',
            ],
          },
        },
      ],
    }),
  },
];
