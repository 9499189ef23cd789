import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Teardown that drops a cluster's backups: the wal-g and restic prefixes, never the bucket",
    example: yaml.stringify({
      steps: [
        {
          id: 'drop-postgres-backups',
          action: 'gcp:storage:prefix-delete',
          name: 'Delete the wal-g backups of dev-cluster',
          input: {
            projectId: 'acme-coder',
            bucket: 'coder-backups-acme',
            prefix: 'spilo/dev-cluster',
          },
        },
        {
          id: 'drop-home-backups',
          action: 'gcp:storage:prefix-delete',
          name: 'Delete the restic backups of dev-cluster',
          input: {
            projectId: 'acme-coder',
            bucket: 'coder-backups-acme',
            prefix: 'coder/dev-cluster/',
            concurrency: 16,
          },
        },
      ],
    }),
  },
];
