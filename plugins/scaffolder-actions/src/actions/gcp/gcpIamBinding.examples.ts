import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (id: string, name: string, input: Record<string, unknown>) =>
  yaml.stringify({
    steps: [{ id, action: 'gcp:iam:binding', name, input }],
  });

export const examples: TemplateExample[] = [
  {
    description:
      'Bucket-scoped storage role for the backup account (wal-g and restic write only this bucket)',
    example: step('backup-bucket-role', 'Backup account on the bucket', {
      projectId: 'acme-coder',
      resourceType: 'bucket',
      resource: 'coder-backups-acme',
      bindings: [
        {
          role: 'roles/storage.objectAdmin',
          members: [
            'serviceAccount:coder-backup@acme-coder.iam.gserviceaccount.com',
          ],
        },
      ],
    }),
  },
  {
    description:
      'Zone-scoped DNS role for the cert-manager DNS01 solver (instead of dns.admin on the project)',
    example: step('dns-zone-role', 'DNS01 solver on the zone', {
      projectId: 'acme-coder',
      resourceType: 'managedZone',
      resource: 'isium-de',
      bindings: [
        {
          role: 'roles/dns.admin',
          members: [
            'serviceAccount:coder-dns@acme-coder.iam.gserviceaccount.com',
          ],
        },
      ],
    }),
  },
  {
    description:
      'Workload Identity: let a Kubernetes service account act as a Google service account',
    example: step('backup-workload-identity', 'Workload Identity', {
      projectId: 'acme-coder',
      resourceType: 'serviceAccount',
      resource: 'coder-backup@acme-coder.iam.gserviceaccount.com',
      bindings: [
        {
          role: 'roles/iam.workloadIdentityUser',
          members: [
            'serviceAccount:acme-coder.svc.id.goog[postgres/postgres-pod]',
          ],
        },
      ],
    }),
  },
  {
    description:
      'Teardown: remove a member from a bucket role (other members stay)',
    example: step('revoke-bucket-role', 'Revoke the backup role', {
      projectId: 'acme-coder',
      resourceType: 'bucket',
      resource: 'coder-backups-acme',
      state: 'absent',
      bindings: [
        {
          role: 'roles/storage.objectAdmin',
          members: [
            'serviceAccount:coder-backup@acme-coder.iam.gserviceaccount.com',
          ],
        },
      ],
    }),
  },
];
