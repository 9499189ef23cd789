import type { KubeConfig } from '@kubernetes/client-node';
import { createKubeConfig } from '../../kubernetes/createKubeConfig';
import type { GoogleIdentity } from '../GoogleIdentity';
import { KubernetesAuthStrategy, KubernetesServer } from './types';

/**
 * A Google access token of the backend's own identity (GKE): Application
 * Default Credentials, `coderPlatform.gcp.keyFilename` or the cluster's
 * `gcp.credentials`. The token is registered as a secret before it is used.
 */
export class GoogleAuthStrategy implements KubernetesAuthStrategy {
  readonly type = 'google' as const;

  constructor(private readonly identity: GoogleIdentity) {}

  async kubeConfig(server?: KubernetesServer): Promise<KubeConfig> {
    if (!server) throw new Error('google auth needs an API server URL');
    return createKubeConfig({
      ...server,
      token: await this.identity.accessToken(),
    });
  }
}
