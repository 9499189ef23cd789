import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check the backup prefix of the seed database before creating it (fails when backups exist)',
    example: yaml.stringify({
      steps: [
        {
          id: 'postgres-guard',
          action: 'coder-platform:postgres:guard',
          name: 'Protect existing backups',
          input: {
            bucket: 'acme-coder-backups',
            scopePrefix: 'dev/',
            scope: 'main-postgres-db',
            pgVersion: 14,
          },
        },
      ],
    }),
  },
  {
    description:
      'Recreate the database from its own backups, to a point in time; pass env to the postgresql resource',
    example: yaml.stringify({
      steps: [
        {
          id: 'postgres-guard',
          action: 'coder-platform:postgres:guard',
          name: 'Clone from backups',
          input: {
            bucket: 'acme-coder-backups',
            scopePrefix: 'dev/',
            scope: 'main-postgres-db',
            pgVersion: 14,
            clone: { enabled: true, targetTime: '2026-07-03T23:00:00+02:00' },
            cluster: 'dev',
            postgresql: { name: 'main-postgres-db', namespace: 'postgres' },
          },
        },
      ],
    }),
  },
];
