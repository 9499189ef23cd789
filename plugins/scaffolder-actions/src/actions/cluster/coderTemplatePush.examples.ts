import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Push the devbox template with its variables; the session token comes from the Secret coder:bootstrap wrote',
    example: yaml.stringify({
      steps: [
        {
          id: 'devbox-template',
          action: 'coder:template:push',
          name: 'Coder template devbox',
          input: {
            cluster: 'dev',
            name: 'devbox',
            displayName: 'Devbox',
            description:
              'Universal template for doing DevOps and development in the Google Cloud Platform.',
            directory: 'coder-templates/devbox',
            defaultTtlMs: 28800000,
            variables: {
              use_kubeconfig: false,
              workspaces_namespace: 'coder',
              storage_class: 'immediate-rwo',
              homedir_disk_size: '10Gi',
            },
            secretVariables: { restic_password_prefix: 'resticPasswordPrefix' },
          },
        },
      ],
    }),
  },
];
