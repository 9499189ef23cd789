import type { KubeConfig } from '@kubernetes/client-node';
import { createKubeConfig } from '../../kubernetes/createKubeConfig';
import { KubernetesAuthStrategy, KubernetesServer } from './types';

/** A bearer token from config (`kubernetes.auth.token`), e.g. a service account token. */
export class TokenAuthStrategy implements KubernetesAuthStrategy {
  readonly type = 'token' as const;

  constructor(private readonly token: string) {}

  async kubeConfig(server?: KubernetesServer): Promise<KubeConfig> {
    if (!server) throw new Error('token auth needs an API server URL');
    return createKubeConfig({ ...server, token: this.token });
  }
}
