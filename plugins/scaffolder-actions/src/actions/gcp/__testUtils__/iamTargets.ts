import { GcpContractServer } from '@coder-platform/testing';
import { createGcpDnsManagedZoneAction } from '../gcpDnsManagedZone';
import { createGcpIamServiceAccountAction } from '../gcpIamServiceAccount';
import { actionOptions, mockContext } from './harness';

/** Options whose storage endpoint is the REST contract server (bucket IAM). */
export function bindingOptions(gcp: GcpContractServer) {
  return actionOptions(gcp, {
    endpoints: { ...gcp.endpointsConfig(), storage: gcp.storageIamEndpoint() },
  });
}

/**
 * The resources the gcp:iam:binding examples and tests grant roles on: bucket
 * coder-backups-acme, zone isium-de, and service accounts coder-backup and
 * coder-dns, created by the actions themselves (the bucket is seeded: the
 * GCS emulator serves no IAM, so its policy lives on the contract server).
 */
export async function createBindingTargets(gcp: GcpContractServer) {
  gcp.rest.storage.addBucket('coder-backups-acme');
  const options = actionOptions(gcp);
  await createGcpDnsManagedZoneAction(options).handler(
    mockContext({
      projectId: 'acme-coder',
      name: 'isium-de',
      dnsName: 'isium.de',
    }).ctx,
  );
  for (const accountId of ['coder-backup', 'coder-dns'])
    await createGcpIamServiceAccountAction(options).handler(
      mockContext({ projectId: 'acme-coder', accountId }).ctx,
    );
}
