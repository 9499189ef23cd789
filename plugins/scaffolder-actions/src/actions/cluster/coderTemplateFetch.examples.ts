import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Copy the bundled devbox Coder template into the workspace and push it to the cluster with its variables',
    example: yaml.stringify({
      steps: [
        {
          id: 'fetch-devbox',
          action: 'coder:template:fetch',
          name: 'Fetch the devbox Coder template',
          input: { template: 'devbox', targetPath: 'coder-template' },
        },
        {
          id: 'devbox',
          action: 'coder:template:push',
          name: 'Push the devbox template',
          input: {
            cluster: 'dev',
            name: 'devbox',
            directory: "${{ steps['fetch-devbox'].output.targetPath }}",
            variables: {
              namespace: 'coder',
              cluster_name: 'dev',
              restic_repository_prefix: 'gs:acme-coder-backups:/coder/dev',
            },
          },
        },
      ],
    }),
  },
];
