import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The seed records: A lb.<cluster>.<domain> to the static IP and a wildcard CNAME to it, TTL 60',
    example: yaml.stringify({
      steps: [
        {
          id: 'records',
          action: 'gcp:dns:record-set',
          name: 'DNS records',
          input: {
            projectId: 'acme-coder',
            zone: 'isium-de',
            records: [
              { name: 'lb.dev', type: 'A', ttl: 60, rrdatas: ['34.107.0.10'] },
              {
                name: '*.dev',
                type: 'CNAME',
                ttl: 60,
                rrdatas: ['lb.dev.isium.de.'],
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description: 'Delete the records (teardown)',
    example: yaml.stringify({
      steps: [
        {
          id: 'records-delete',
          action: 'gcp:dns:record-set',
          name: 'Delete DNS records',
          input: {
            projectId: 'acme-coder',
            zone: 'isium-de',
            state: 'absent',
            records: [
              { name: 'lb.dev', type: 'A', rrdatas: ['34.107.0.10'] },
              { name: '*.dev', type: 'CNAME', rrdatas: ['lb.dev.isium.de.'] },
            ],
          },
        },
      ],
    }),
  },
];
