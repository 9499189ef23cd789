import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Managed zone for the cluster domain; delegate the domain to the name servers it outputs',
    example: yaml.stringify({
      steps: [
        {
          id: 'zone',
          action: 'gcp:dns:managed-zone',
          name: 'DNS zone',
          input: {
            projectId: 'acme-coder',
            name: 'isium-de',
            dnsName: 'isium.de',
          },
        },
      ],
      output: {
        text: [
          {
            title: 'Name servers',
            content: '${{ steps.zone.output.nameServers | join(", ") }}',
          },
        ],
      },
    }),
  },
];
