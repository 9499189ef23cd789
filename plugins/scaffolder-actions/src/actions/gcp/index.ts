import { Config } from '@backstage/config';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { AuthClient } from 'google-auth-library';
import { createGcpGkeClusterAction } from './gcpGkeCluster';

export { createGcpGkeClusterAction } from './gcpGkeCluster';
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
  return [createGcpGkeClusterAction(options)] as TemplateAction<
    any,
    any,
    any
  >[];
}
