import type { KubeConfig } from '@kubernetes/client-node';
import {
  GoogleAuthStrategy,
  KubeconfigFileAuthStrategy,
  KubernetesAuthStrategy,
  KubernetesServer,
  TokenAuthStrategy,
} from './auth';
import type { GkeClusters } from './GkeClusters';
import type { GoogleIdentity } from './GoogleIdentity';
import type { KubernetesClusterConfig } from './types';

/** The one place that picks an auth strategy for a cluster's `kubernetes` block. */
export function kubernetesAuthFor(
  kubernetes: KubernetesClusterConfig,
  identity: GoogleIdentity,
  at = 'kubernetes',
): KubernetesAuthStrategy {
  switch (kubernetes.auth.type) {
    case 'token':
      return new TokenAuthStrategy(kubernetes.auth.token);
    case 'google':
      return new GoogleAuthStrategy(identity);
    case 'kubeconfig':
      return new KubeconfigFileAuthStrategy(
        kubernetes.auth.path,
        kubernetes.auth.context,
        `${at}.auth`,
      );
    default:
      throw new Error(`${at}.auth.type is not supported`);
  }
}

/** The API server of a `kubernetes` block: from config, or read from the GKE API. */
export async function kubernetesServerFor(
  kubernetes: KubernetesClusterConfig,
  gke: GkeClusters,
): Promise<KubernetesServer | undefined> {
  if (kubernetes.kind === 'url') {
    return {
      url: kubernetes.url,
      caData: kubernetes.caData,
      skipTLSVerify: kubernetes.skipTLSVerify,
    };
  }
  if (kubernetes.kind === 'gke') return gke.server(kubernetes.resourceName);
  return undefined;
}

/** An in-memory kubeconfig for a `kubernetes` block of the cluster model. */
export async function connectKubernetes(
  kubernetes: KubernetesClusterConfig,
  deps: { identity: GoogleIdentity; gke: GkeClusters },
  at?: string,
): Promise<KubeConfig> {
  const server = await kubernetesServerFor(kubernetes, deps.gke);
  return kubernetesAuthFor(kubernetes, deps.identity, at).kubeConfig(server);
}
