import { KubeConfig } from '@kubernetes/client-node';

/** How to reach one Kubernetes API server. */
export interface KubernetesAccess {
  /** API server URL, e.g. `https://34.1.2.3` for a GKE endpoint. */
  url: string;
  /** PEM CA certificate of the API server, base64-encoded as in a kubeconfig. */
  caData?: string;
  /** Bearer token (a service account token, or a Google access token for GKE). */
  token?: string;
  /** Skip TLS verification. Only for local development servers. */
  skipTLSVerify?: boolean;
}

/**
 * Builds an in-memory kubeconfig for one cluster, so no file with a token is
 * written to disk and the official client's own auth and TLS handling is used.
 */
export function createKubeConfig(
  access: KubernetesAccess,
  contextName = 'coder-platform',
): KubeConfig {
  let server: URL;
  try {
    server = new URL(access.url);
  } catch {
    throw new Error(
      `kubernetes.url "${access.url}" is not a valid URL (expected e.g. https://10.0.0.1:443)`,
    );
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new Error(
      `kubernetes.url must use https (or http for local servers), got ${server.protocol}`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: contextName,
        server: access.url.replace(/\/+$/, ''),
        caData: access.caData,
        skipTLSVerify: access.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: contextName, token: access.token }],
    contexts: [{ name: contextName, cluster: contextName, user: contextName }],
    currentContext: contextName,
  });
  return kubeConfig;
}
