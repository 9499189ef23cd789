import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import * as compute from '@google-cloud/compute';
import { ClusterManagerClient } from '@google-cloud/container';
import { DNS } from '@google-cloud/dns';
import { ProjectsClient } from '@google-cloud/resource-manager';
import { ServiceUsageClient } from '@google-cloud/service-usage';
import { Storage } from '@google-cloud/storage';
import { iam, iam_v1 } from '@googleapis/iam';
import { AuthClient, GoogleAuth } from 'google-auth-library';
import { grpc } from 'google-gax';
import { RetrySettings } from './retry';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Where one Google API is reached; every field maps to a documented client option. */
export type GcpEndpoint = {
  /** Host name (client option `apiEndpoint`). */
  apiEndpoint: string;
  /** Port (client option `port`); defaults to 443. */
  port?: number;
  /** Plain-text gRPC / HTTP instead of TLS (client option `sslCreds` / protocol). */
  plaintext?: boolean;
};

/** The APIs the GCP actions call. */
export type GcpApi =
  | 'container'
  | 'compute'
  | 'dns'
  | 'iam'
  | 'resourceManager'
  | 'serviceUsage'
  | 'storage';

/** Settings of the GCP actions, read from `coderPlatform.gcp`. */
export type GcpSettings = {
  projectId?: string;
  keyFilename?: string;
  endpoints: Partial<Record<GcpApi, GcpEndpoint>>;
  operationPollIntervalMs: number;
  operationTimeoutMs: number;
  retry: RetrySettings;
};

/** Options every GCP action factory takes. */
export type GcpActionOptions = {
  config: Config;
  /**
   * Credentials to use instead of Application Default Credentials or the key
   * file named in app-config (e.g. a workload identity federation client).
   */
  authClient?: AuthClient;
};

/** Reads `coderPlatform.gcp` from app-config. */
export function readGcpSettings(config: Config): GcpSettings {
  const gcp = config.getOptionalConfig('coderPlatform.gcp');
  const endpoints: GcpSettings['endpoints'] = {};
  const apis: GcpApi[] = [
    'container',
    'compute',
    'dns',
    'iam',
    'resourceManager',
    'serviceUsage',
    'storage',
  ];
  for (const api of apis) {
    const e = gcp?.getOptionalConfig(`endpoints.${api}`);
    if (e) {
      endpoints[api] = {
        apiEndpoint: e.getString('apiEndpoint'),
        port: e.getOptionalNumber('port'),
        plaintext: e.getOptionalBoolean('plaintext'),
      };
    }
  }
  return {
    projectId: gcp?.getOptionalString('projectId'),
    keyFilename: gcp?.getOptionalString('keyFilename'),
    endpoints,
    operationPollIntervalMs:
      gcp?.getOptionalNumber('operations.pollIntervalMs') ?? 5000,
    operationTimeoutMs:
      (gcp?.getOptionalNumber('operations.timeoutMinutes') ?? 45) * 60_000,
    retry: {
      maxAttempts: gcp?.getOptionalNumber('retry.maxAttempts') ?? 5,
      initialDelayMs: gcp?.getOptionalNumber('retry.initialDelayMs') ?? 1000,
      maxDelayMs: gcp?.getOptionalNumber('retry.maxDelayMs') ?? 30_000,
    },
  };
}

/** Resolves the project of one call: the input, else app-config, else an InputError. */
export function resolveProjectId(
  settings: GcpSettings,
  inputProjectId: string | undefined,
): string {
  const projectId = inputProjectId ?? settings.projectId;
  if (!projectId) {
    throw new InputError(
      'projectId: required, because coderPlatform.gcp.projectId is not set in app-config',
    );
  }
  return projectId;
}

/**
 * Builds the official Google clients from app-config. Credentials are, in
 * order: the injected `authClient`, the key file `coderPlatform.gcp.keyFilename`,
 * Application Default Credentials. Endpoint overrides use only the clients'
 * documented options (`apiEndpoint`, `port`, `sslCreds`, `rootUrl`).
 */
export class GcpClients {
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(
    readonly settings: GcpSettings,
    private readonly authClient?: AuthClient,
  ) {}

  static fromOptions(options: GcpActionOptions): GcpClients {
    return new GcpClients(readGcpSettings(options.config), options.authClient);
  }

  /**
   * Token values the injected auth client holds right now (access, refresh
   * and ID tokens), for redaction. ADC and key-file clients are built inside
   * the Google libraries; their tokens are masked by shape (`ya29.`, Bearer).
   */
  credentialValues(): string[] {
    const credentials = (this.authClient as { credentials?: any } | undefined)
      ?.credentials;
    if (!credentials) return [];
    return [
      credentials.access_token,
      credentials.refresh_token,
      credentials.id_token,
    ].filter((v): v is string => typeof v === 'string' && v.length > 0);
  }

  /** Credential options shared by the gax clients. */
  private gaxAuth(): Record<string, unknown> {
    if (this.authClient) return { authClient: this.authClient };
    if (this.settings.keyFilename)
      return { keyFilename: this.settings.keyFilename };
    return {};
  }

  private gaxEndpoint(
    api: GcpApi,
    transport: 'grpc' | 'rest',
  ): Record<string, unknown> {
    const e = this.settings.endpoints[api];
    if (!e) return {};
    const options: Record<string, unknown> = { apiEndpoint: e.apiEndpoint };
    if (e.port) options.port = e.port;
    if (e.plaintext && transport === 'grpc')
      options.sslCreds = grpc.credentials.createInsecure();
    if (e.plaintext && transport === 'rest') options.protocol = 'http';
    return options;
  }

  private readonly cache = new Map<string, unknown>();

  /** One client per kind and invocation; closed by `close()`. */
  private track<T extends { close(): Promise<void> }>(
    kind: string,
    create: () => T,
  ): T {
    let client = this.cache.get(kind) as T | undefined;
    if (!client) {
      client = create();
      this.cache.set(kind, client);
      const created = client;
      this.closers.push(() => created.close());
    }
    return client;
  }

  clusterManager(): ClusterManagerClient {
    return this.track(
      'ClusterManagerClient',
      () =>
        new ClusterManagerClient({
          ...this.gaxAuth(),
          ...this.gaxEndpoint('container', 'grpc'),
        } as any),
    );
  }

  projects(): ProjectsClient {
    return this.track(
      'ProjectsClient',
      () =>
        new ProjectsClient({
          ...this.gaxAuth(),
          ...this.gaxEndpoint('resourceManager', 'grpc'),
        } as any),
    );
  }

  serviceUsage(): ServiceUsageClient {
    return this.track(
      'ServiceUsageClient',
      () =>
        new ServiceUsageClient({
          ...this.gaxAuth(),
          ...this.gaxEndpoint('serviceUsage', 'grpc'),
        } as any),
    );
  }

  private computeOptions() {
    return { ...this.gaxAuth(), ...this.gaxEndpoint('compute', 'rest') } as any;
  }

  networks() {
    return this.track(
      'compute.NetworksClient',
      () => new compute.NetworksClient(this.computeOptions()),
    );
  }

  subnetworks() {
    return this.track(
      'compute.SubnetworksClient',
      () => new compute.SubnetworksClient(this.computeOptions()),
    );
  }

  firewalls() {
    return this.track(
      'compute.FirewallsClient',
      () => new compute.FirewallsClient(this.computeOptions()),
    );
  }

  addresses() {
    return this.track(
      'compute.AddressesClient',
      () => new compute.AddressesClient(this.computeOptions()),
    );
  }

  globalOperations() {
    return this.track(
      'compute.GlobalOperationsClient',
      () => new compute.GlobalOperationsClient(this.computeOptions()),
    );
  }

  regionOperations() {
    return this.track(
      'compute.RegionOperationsClient',
      () => new compute.RegionOperationsClient(this.computeOptions()),
    );
  }

  /** Cloud DNS (REST; the client always uses https). */
  dns(projectId: string): DNS {
    const e = this.settings.endpoints.dns;
    return new DNS({
      projectId,
      ...(e
        ? { apiEndpoint: e.port ? `${e.apiEndpoint}:${e.port}` : e.apiEndpoint }
        : {}),
      ...this.gaxAuth(),
    } as any);
  }

  /** IAM v1 (REST, discovery-based client). */
  iam(): iam_v1.Iam {
    const e = this.settings.endpoints.iam;
    const auth =
      this.authClient ??
      new GoogleAuth({
        scopes: [CLOUD_PLATFORM_SCOPE],
        ...(this.settings.keyFilename
          ? { keyFilename: this.settings.keyFilename }
          : {}),
      });
    return iam({
      version: 'v1',
      auth: auth as any,
      ...(e
        ? {
            rootUrl: `${e.plaintext ? 'http' : 'https'}://${e.apiEndpoint}${
              e.port ? `:${e.port}` : ''
            }/`,
          }
        : {}),
    });
  }

  /** Cloud Storage (JSON API). */
  storage(projectId: string): Storage {
    const e = this.settings.endpoints.storage;
    return new Storage({
      projectId,
      // The actions retry with their own bounded backoff (retry.ts).
      retryOptions: { autoRetry: false },
      ...(e
        ? {
            apiEndpoint: `${e.plaintext ? 'http' : 'https'}://${e.apiEndpoint}${
              e.port ? `:${e.port}` : ''
            }`,
          }
        : {}),
      ...this.gaxAuth(),
    } as any);
  }

  /** Closes every gRPC/REST client created so far. */
  async close(): Promise<void> {
    this.cache.clear();
    await Promise.allSettled(this.closers.splice(0).map(close => close()));
  }
}
