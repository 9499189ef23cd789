import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGcpIamServiceAccountAction } from './gcpIamServiceAccount';
import { examples } from './gcpIamServiceAccount.examples';
import { describeExamples } from './__testUtils__/describeExamples';

const sa = (gcp: any, id: string) =>
  gcp.rest.serviceAccounts.get(
    `projects/acme-coder/serviceAccounts/${id}@acme-coder.iam.gserviceaccount.com`,
  );

describeExamples(
  'gcp:iam:service-account',
  createGcpIamServiceAccountAction,
  examples,
  {
    'cert-manager DNS01 solver account, used through Workload Identity (no key)':
      {
        mutations: {
          'iam.serviceAccounts.create': 1,
          'resourcemanager.SetIamPolicy': 1,
          'iam.serviceAccounts.setIamPolicy': 1,
        },
        state: gcp => {
          const member =
            'serviceAccount:coder-dns@acme-coder.iam.gserviceaccount.com';
          expect(sa(gcp, 'coder-dns').account.displayName).toBe(
            'Coder DNS01 solver',
          );
          expect(
            gcp.grpc.policies.get('projects/acme-coder')!.bindings,
          ).toContainEqual({
            role: 'roles/dns.admin',
            members: [member],
          });
          expect(sa(gcp, 'coder-dns').policy.bindings).toEqual([
            {
              role: 'roles/iam.workloadIdentityUser',
              members: [
                'serviceAccount:acme-coder.svc.id.goog[cert-manager/cert-manager]',
              ],
            },
          ]);
          expect(sa(gcp, 'coder-dns').keys).toEqual([]);
        },
      },
    'Backup account with a JSON key written to the workspace for a later step (never output); grant it roles on the bucket only, with gcp:iam:binding':
      {
        mutations: {
          'iam.serviceAccounts.create': 1,
          'iam.serviceAccounts.keys.create': 1,
        },
        state: (gcp, outputs) => {
          const keys = sa(gcp, 'coder-storage').keys;
          expect(keys).toHaveLength(1);
          const file = JSON.parse(
            readFileSync(
              join(
                String(outputs.workspacePath),
                'secrets/google-coder-storage.json',
              ),
              'utf8',
            ),
          );
          expect(keys[0].name).toMatch(
            new RegExp(`/keys/${file.private_key_id}$`),
          );
          expect(outputs).toMatchObject({
            keyPath: 'secrets/google-coder-storage.json',
            keyId: file.private_key_id,
          });
          expect(JSON.stringify(outputs)).not.toContain('PRIVATE KEY');
        },
      },
  },
);
