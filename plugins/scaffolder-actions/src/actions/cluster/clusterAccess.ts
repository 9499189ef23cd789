import { Config } from '@backstage/config';
import type { Bucket } from '@google-cloud/storage';
import { InputError } from '@backstage/errors';
import { createKubeConfig } from '@coder-platform/plugin-coder-platform-node';
import { KubeConfig } from '@kubernetes/client-node';
import { GoogleAuth } from 'google-auth-library';

/** The `cluster` input shared by every in-cluster action. */
export interface ClusterRef {
  name?: string;
  endpoint?: string;
  caCertificate?: string;
}

/** Returns a Google OAuth access token (Application Default Credentials by default). */
export type GoogleAccessTokenProvider = () => Promise<string>;

/** What the cluster actions need besides their input. */
export interface ClusterActionsOptions {
  config: Config;
  /** Replaces Application Default Credentials for GKE endpoints (tests). */
  googleAccessToken?: GoogleAccessTokenProvider;
  /** How often long-running upstream jobs are polled, in ms (tests shorten it). */
  pollIntervalMs?: number;
  /** Replaces the GCS bucket handle the postgres guard reads (tests). */
  gcsBucket?: (name: string) => Bucket;
}

/** The field manager used for server-side apply, from config or `coder-platform`. */
export function fieldManager(config: Config): string {
  return (
    config.getOptionalString('coderPlatform.clusterActions.fieldManager') ??
    'coder-platform'
  );
}

const adcTokenProvider: GoogleAccessTokenProvider = async () => {
  const auth = new GoogleAuth({
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
  });
  const token = await auth.getAccessToken();
  if (!token) {
    throw new Error(
      'Application Default Credentials returned no Google access token; run the backend with a service account (Workload Identity) or GOOGLE_APPLICATION_CREDENTIALS',
    );
  }
  return token;
};

/**
 * Resolves the `cluster` input to a kubeconfig held in memory. Credentials
 * come from app-config or ADC, never from the template input.
 */
export async function resolveKubeConfig(
  cluster: ClusterRef | undefined,
  options: ClusterActionsOptions,
): Promise<KubeConfig> {
  if (!cluster || (!cluster.name && !cluster.endpoint)) {
    throw new InputError(
      'cluster: give either cluster.name (a cluster in app-config) or cluster.endpoint + cluster.caCertificate (outputs of gcp:gke:cluster)',
    );
  }
  if (cluster.name && cluster.endpoint) {
    throw new InputError(
      'cluster: give cluster.name or cluster.endpoint, not both',
    );
  }
  const getToken = options.googleAccessToken ?? adcTokenProvider;
  if (cluster.endpoint) {
    if (!cluster.caCertificate) {
      throw new InputError(
        'cluster.caCertificate is required with cluster.endpoint (the CA output of gcp:gke:cluster)',
      );
    }
    const url = /^https?:\/\//.test(cluster.endpoint)
      ? cluster.endpoint
      : `https://${cluster.endpoint}`;
    return createKubeConfig({
      url,
      caData: cluster.caCertificate,
      token: await getToken(),
    });
  }

  const name = cluster.name!;
  const own = (
    options.config.getOptionalConfigArray(
      'coderPlatform.clusterActions.clusters',
    ) ?? []
  ).find(c => c.getString('name') === name);
  if (own) {
    const kubeconfigPath = own.getOptionalString('kubeconfigPath');
    if (kubeconfigPath) {
      const kc = new KubeConfig();
      try {
        kc.loadFromFile(kubeconfigPath);
      } catch (error) {
        throw new Error(
          `cluster "${name}": cannot read kubeconfig ${kubeconfigPath}: ${
            (error as Error).message
          }`,
        );
      }
      const context = own.getOptionalString('context');
      if (context) kc.setCurrentContext(context);
      return kc;
    }
    return fromUrlConfig(name, own, getToken);
  }
  const shared = (
    options.config.getOptionalConfigArray('coderPlatform.clusters') ?? []
  ).find(c => c.getOptionalString('name') === name);
  const kubernetes = shared?.getOptionalConfig('kubernetes');
  if (kubernetes) {
    return fromUrlConfig(name, kubernetes, getToken);
  }
  throw new InputError(
    `cluster.name "${name}" is not configured: add it to coderPlatform.clusterActions.clusters or coderPlatform.clusters[].kubernetes in app-config`,
  );
}

async function fromUrlConfig(
  name: string,
  config: Config,
  getToken: GoogleAccessTokenProvider,
): Promise<KubeConfig> {
  const url = config.getOptionalString('url');
  if (!url) {
    throw new InputError(
      `cluster "${name}": app-config gives neither kubeconfigPath nor url`,
    );
  }
  const authType =
    config.getOptionalString('auth.type') ??
    (config.getOptionalString('token') ? 'token' : 'google');
  const token =
    authType === 'google' ? await getToken() : config.getString('token');
  return createKubeConfig({
    url,
    caData: config.getOptionalString('caData'),
    token,
    skipTLSVerify: config.getOptionalBoolean('skipTLSVerify'),
  });
}
