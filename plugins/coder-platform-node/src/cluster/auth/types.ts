import type { KubeConfig } from '@kubernetes/client-node';

/** An API server the backend trusts: from config, or read from the GKE API. */
export interface KubernetesServer {
  /** e.g. `https://34.1.2.3` */
  url: string;
  /** Base64 PEM CA certificate, as in a kubeconfig. */
  caData?: string;
  /** Local development servers only. */
  skipTLSVerify?: boolean;
}

/**
 * One way of authenticating to a Kubernetes API server (as
 * `plugins/kubernetes-backend` keeps one class per method behind one
 * interface). Every cluster of the model has exactly one.
 */
export interface KubernetesAuthStrategy {
  /** The `auth.type` it implements. */
  readonly type: 'token' | 'google' | 'kubeconfig';
  /**
   * An in-memory kubeconfig for `server`. The kubeconfig strategy names its
   * own server and takes none.
   */
  kubeConfig(server?: KubernetesServer): Promise<KubeConfig>;
}
