import { createGcpIamBindingAction } from './gcpIamBinding';
import { examples } from './gcpIamBinding.examples';
import { describeExamples } from './__testUtils__/describeExamples';
import {
  bindingOptions,
  createBindingTargets,
} from './__testUtils__/iamTargets';

// Cloud DNS's client (via @google-cloud/common) sends requests with
// teeny-request 10, which loads node-fetch with a dynamic import() that jest
// cannot run (backstage-cli compiles node packages with swc's
// module.ignoreDynamic, and Node refuses import() in jest's vm without
// --experimental-vm-modules, which breaks the static imports of the ESM
// clients). Give it teeny-request 11 (same API) whose node:http transport
// startGcp() selects: requests still go over TLS to the contract server.
// Test-only; production code is unchanged.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

const BACKUP = 'serviceAccount:coder-backup@acme-coder.iam.gserviceaccount.com';

describeExamples(
  'gcp:iam:binding',
  createGcpIamBindingAction,
  examples,
  {
    'Bucket-scoped storage role for the backup account (wal-g and restic write only this bucket)':
      {
        mutations: { 'storage.buckets.setIamPolicy': 1 },
        state: gcp =>
          expect(
            gcp.rest.storage.buckets.get('coder-backups-acme')!.policy.bindings,
          ).toEqual([{ role: 'roles/storage.objectAdmin', members: [BACKUP] }]),
      },
    'Zone-scoped DNS role for the cert-manager DNS01 solver (instead of dns.admin on the project)':
      {
        mutations: { 'dns.managedZones.setIamPolicy': 1 },
        state: gcp =>
          expect(
            gcp.rest.zones.get('projects/acme-coder/managedZones/isium-de')!
              .policy!.bindings,
          ).toEqual([
            {
              role: 'roles/dns.admin',
              members: [
                'serviceAccount:coder-dns@acme-coder.iam.gserviceaccount.com',
              ],
            },
          ]),
      },
    'Workload Identity: let a Kubernetes service account act as a Google service account':
      {
        mutations: { 'iam.serviceAccounts.setIamPolicy': 1 },
        state: gcp =>
          expect(
            gcp.rest.serviceAccounts.get(
              'projects/acme-coder/serviceAccounts/coder-backup@acme-coder.iam.gserviceaccount.com',
            )!.policy.bindings,
          ).toEqual([
            {
              role: 'roles/iam.workloadIdentityUser',
              members: [
                'serviceAccount:acme-coder.svc.id.goog[postgres/postgres-pod]',
              ],
            },
          ]),
      },
    'Teardown: remove a member from a bucket role (other members stay)': {
      mutations: { 'storage.buckets.setIamPolicy': 1 },
      state: (gcp, outputs) => {
        expect(
          gcp.rest.storage.buckets.get('coder-backups-acme')!.policy.bindings,
        ).toEqual([]);
        expect(outputs.removed).toEqual([
          `roles/storage.objectAdmin ${BACKUP}`,
        ]);
      },
    },
  },
  { before: createBindingTargets, actionOptions: bindingOptions },
);
