import { Config } from '@backstage/config';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { AuthClient } from 'google-auth-library';
import { createGcpGkeClusterAction } from './gcpGkeCluster';
import { createGcpStorageBucketAction } from './gcpStorageBucket';
import { createGcpComputeAddressAction } from './gcpComputeAddress';
import { createGcpIamServiceAccountAction } from './gcpIamServiceAccount';
import { createGcpServicesEnableAction } from './gcpServicesEnable';
import { createGcpComputeNetworkAction } from './gcpComputeNetwork';
import { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
import { createGcpDnsRecordSetAction } from './gcpDnsRecordSet';
import { createGcpIamBindingAction } from './gcpIamBinding';
import { createGcpStoragePrefixDeleteAction } from './gcpStoragePrefixDelete';
import { createGcpComputeClusterDisksAction } from './gcpComputeClusterDisks';

export { createGcpGkeClusterAction } from './gcpGkeCluster';
export { createGcpStorageBucketAction } from './gcpStorageBucket';
export { createGcpComputeAddressAction } from './gcpComputeAddress';
export { createGcpIamServiceAccountAction } from './gcpIamServiceAccount';
export { createGcpServicesEnableAction } from './gcpServicesEnable';
export { createGcpComputeNetworkAction } from './gcpComputeNetwork';
export { createGcpDnsManagedZoneAction } from './gcpDnsManagedZone';
export { createGcpDnsRecordSetAction } from './gcpDnsRecordSet';
export { createGcpIamBindingAction } from './gcpIamBinding';
export { createGcpStoragePrefixDeleteAction } from './gcpStoragePrefixDelete';
export { createGcpComputeClusterDisksAction } from './gcpComputeClusterDisks';
export type { GcpActionOptions } from './gcpClients';

/**
 * Creates the GCP actions (`gcp:*`). Credentials: `authClient` if given, else
 * the key file `coderPlatform.gcp.keyFilename`, else Application Default
 * Credentials.
 */
export function createGcpActions(options: {
  config: Config;
  authClient?: AuthClient;
}): TemplateAction<any, any, any>[] {
  return [
    createGcpServicesEnableAction(options),
    createGcpIamServiceAccountAction(options),
    createGcpIamBindingAction(options),
    createGcpStorageBucketAction(options),
    createGcpStoragePrefixDeleteAction(options),
    createGcpComputeNetworkAction(options),
    createGcpComputeAddressAction(options),
    createGcpDnsManagedZoneAction(options),
    createGcpDnsRecordSetAction(options),
    createGcpGkeClusterAction(options),
    createGcpComputeClusterDisksAction(options),
  ] as TemplateAction<any, any, any>[];
}
