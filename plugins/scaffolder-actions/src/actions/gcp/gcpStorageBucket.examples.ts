import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Backup and state bucket with versioning, uniform access, no public access, noncurrent versions kept 30 days',
    example: yaml.stringify({
      steps: [
        {
          id: 'bucket',
          action: 'gcp:storage:bucket',
          name: 'Bucket',
          input: {
            projectId: 'acme-coder',
            name: 'acme-coder-dev-backups',
            location: 'europe-west3',
            labels: { cluster: 'dev' },
          },
        },
      ],
    }),
  },
  {
    description:
      'Delete the bucket only if it is empty (teardown keeps backups unless deleteContents: true)',
    example: yaml.stringify({
      steps: [
        {
          id: 'bucket-delete',
          action: 'gcp:storage:bucket',
          name: 'Delete bucket',
          input: {
            projectId: 'acme-coder',
            name: 'acme-coder-dev-backups',
            state: 'absent',
          },
        },
      ],
    }),
  },
];
