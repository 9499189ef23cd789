import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'cert-manager DNS01 solver account, used through Workload Identity (no key)',
    example: yaml.stringify({
      steps: [
        {
          id: 'sa-dns',
          action: 'gcp:iam:service-account',
          name: 'DNS service account',
          input: {
            projectId: 'acme-coder',
            accountId: 'coder-dns',
            displayName: 'Coder DNS01 solver',
            projectRoles: ['roles/dns.admin'],
            workloadIdentityUsers: [
              { namespace: 'cert-manager', serviceAccount: 'cert-manager' },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'Backup account with a JSON key written to the workspace for a later step (never output); grant it roles on the bucket only, with gcp:iam:binding',
    example: yaml.stringify({
      steps: [
        {
          id: 'sa-storage',
          action: 'gcp:iam:service-account',
          name: 'Storage service account',
          input: {
            projectId: 'acme-coder',
            accountId: 'coder-storage',
            key: { path: 'secrets/google-coder-storage.json' },
          },
        },
      ],
    }),
  },
];
