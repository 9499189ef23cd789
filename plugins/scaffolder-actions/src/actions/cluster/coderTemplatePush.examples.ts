import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Push the devbox template bundled with the actions, straight from the package (no fetch step: a task resumed after a backend restart, whose workspace is fresh, still pushes it); the token comes from the Secret coder:bootstrap wrote',
    example: yaml.stringify({
      steps: [
        {
          id: 'devbox',
          action: 'coder:template:push',
          name: 'Push the default devbox template',
          input: {
            cluster: 'dev',
            name: 'devbox',
            displayName: 'Devbox',
            template: 'devbox',
            defaultTtlMs: 3600000,
            variables: {
              namespace: 'coder',
              cluster_name: 'dev',
              restic_repository_prefix: 'gs:acme-coder-backups:/coder/dev',
              restic_password_secret: 'restic',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Push a Coder template from a folder of the task workspace (e.g. one an earlier step rendered) with its variables; the session token comes from the Secret coder:bootstrap wrote',
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
