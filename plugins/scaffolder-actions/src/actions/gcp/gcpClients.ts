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
import { gaxEndpointOptions } from '@coder-platform/plugin-coder-platform-node';
import { RetrySettings } from './retry';

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A gax client's default call settings (its `*_client_config.json`). */
type GaxClientConfig = {
  interfaces: Record<string, { methods?: Record<string, unknown> }>;
};

/**
 * `clientConfig` that turns off a gax client's own retries for every method
 * of `serviceName`: the actions retry with their one bounded backoff
 * (retry.ts), and the clients' defaults (e.g. Compute: UNAVAILABLE retried for
 * up to 600 s) would run beneath it, multiplying attempts and outlasting the
 * step when a connection drops. With `timeoutMs`, every method's deadline is
 * that (`coderPlatform.gcp.callTimeoutSeconds`) instead of the client's
 * default (20 s to 600 s per method), so a call that gets no answer is
 * cancelled by the client when the action gives up on it.
 */
export function withoutClientRetries(
  serviceName: string,
  defaults: GaxClientConfig,
  timeoutMs?: number,
) {
  const methods = Object.keys(defaults.interfaces[serviceName]?.methods ?? {});
  return {
    interfaces: {
      [serviceName]: {
        retry_codes: { none: [] },
        methods: Object.fromEntries(
          methods.map(m => [
            m,
            {
              retry_codes_name: 'none',
              ...(timeoutMs ? { timeout_millis: timeoutMs } : {}),
            },
          ]),
        ),
      },
    },
  };
}

/* eslint-disable @typescript-eslint/no-require-imports */
const gaxDefaults = {
  clusterManager: () =>
    require('@google-cloud/container/build/src/v1/cluster_manager_client_config.json'),
  projects: () =>
    require('@google-cloud/resource-manager/build/src/v3/projects_client_config.json'),
  serviceUsage: () =>
    require('@google-cloud/service-usage/build/src/v1/service_usage_client_config.json'),
  networks: () =>
    require('@google-cloud/compute/build/src/v1/networks_client_config.json'),
  subnetworks: () =>
    require('@google-cloud/compute/build/src/v1/subnetworks_client_config.json'),
  firewalls: () =>
    require('@google-cloud/compute/build/src/v1/firewalls_client_config.json'),
  addresses: () =>
    require('@google-cloud/compute/build/src/v1/addresses_client_config.json'),
  globalOperations: () =>
    require('@google-cloud/compute/build/src/v1/global_operations_client_config.json'),
  regionOperations: () =>
    require('@google-cloud/compute/build/src/v1/region_operations_client_config.json'),
  disks: () =>
    require('@google-cloud/compute/build/src/v1/disks_client_config.json'),
  zoneOperations: () =>
    require('@google-cloud/compute/build/src/v1/zone_operations_client_config.json'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const noRetry = (
  service: string,
  kind: keyof typeof gaxDefaults,
  timeoutMs: number,
) => ({
  clientConfig: withoutClientRetries(service, gaxDefaults[kind](), timeoutMs),
});

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
  /**
   * Time one call (one attempt) may take before it is given up on and
   * retried: every client's request timeout, and the actions' deadline per
   * attempt (`coderPlatform.gcp.callTimeoutSeconds`).
   */
  callTimeoutMs: number;
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
  const callTimeoutSeconds = gcp?.getOptionalNumber('callTimeoutSeconds') ?? 60;
  if (!(callTimeoutSeconds > 0)) {
    throw new InputError(
      `coderPlatform.gcp.callTimeoutSeconds: must be a positive number of seconds, got ${callTimeoutSeconds}`,
    );
  }
  return {
    projectId: gcp?.getOptionalString('projectId'),
    keyFilename: gcp?.getOptionalString('keyFilename'),
    endpoints,
    operationPollIntervalMs:
      gcp?.getOptionalNumber('operations.pollIntervalMs') ?? 5000,
    operationTimeoutMs:
      (gcp?.getOptionalNumber('operations.timeoutMinutes') ?? 45) * 60_000,
    callTimeoutMs: Math.round(callTimeoutSeconds * 1000),
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
    // The one mapping of coderPlatform.gcp.endpoints, shared with the cluster model.
    return gaxEndpointOptions(this.settings.endpoints[api], transport);
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
          ...noRetry(
            'google.container.v1.ClusterManager',
            'clusterManager',
            this.settings.callTimeoutMs,
          ),
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
          ...noRetry(
            'google.cloud.resourcemanager.v3.Projects',
            'projects',
            this.settings.callTimeoutMs,
          ),
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
          ...noRetry(
            'google.api.serviceusage.v1.ServiceUsage',
            'serviceUsage',
            this.settings.callTimeoutMs,
          ),
        } as any),
    );
  }

  private computeOptions(kind: keyof typeof gaxDefaults, service: string) {
    return {
      ...this.gaxAuth(),
      ...this.gaxEndpoint('compute', 'rest'),
      ...noRetry(
        `google.cloud.compute.v1.${service}`,
        kind,
        this.settings.callTimeoutMs,
      ),
    } as any;
  }

  networks() {
    return this.track(
      'compute.NetworksClient',
      () =>
        new compute.NetworksClient(this.computeOptions('networks', 'Networks')),
    );
  }

  subnetworks() {
    return this.track(
      'compute.SubnetworksClient',
      () =>
        new compute.SubnetworksClient(
          this.computeOptions('subnetworks', 'Subnetworks'),
        ),
    );
  }

  firewalls() {
    return this.track(
      'compute.FirewallsClient',
      () =>
        new compute.FirewallsClient(
          this.computeOptions('firewalls', 'Firewalls'),
        ),
    );
  }

  addresses() {
    return this.track(
      'compute.AddressesClient',
      () =>
        new compute.AddressesClient(
          this.computeOptions('addresses', 'Addresses'),
        ),
    );
  }

  globalOperations() {
    return this.track(
      'compute.GlobalOperationsClient',
      () =>
        new compute.GlobalOperationsClient(
          this.computeOptions('globalOperations', 'GlobalOperations'),
        ),
    );
  }

  regionOperations() {
    return this.track(
      'compute.RegionOperationsClient',
      () =>
        new compute.RegionOperationsClient(
          this.computeOptions('regionOperations', 'RegionOperations'),
        ),
    );
  }

  disks() {
    return this.track(
      'compute.DisksClient',
      () => new compute.DisksClient(this.computeOptions('disks', 'Disks')),
    );
  }

  zoneOperations() {
    return this.track(
      'compute.ZoneOperationsClient',
      () =>
        new compute.ZoneOperationsClient(
          this.computeOptions('zoneOperations', 'ZoneOperations'),
        ),
    );
  }

  /**
   * Cloud DNS (REST; the client always uses https). Its own retry of 5xx and
   * 429 is turned off per request (`maxRetries: 0`; the client ignores
   * `retryOptions`). It still retries a connection that gives no answer at
   * all three times (retry-request's `noResponseRetries`, not configurable),
   * so each request also has the call timeout (the client's default is 60 s)
   * and the action's deadline per attempt ends the wait at that timeout.
   */
  dns(projectId: string): DNS {
    const e = this.settings.endpoints.dns;
    const dns = new DNS({
      projectId,
      timeout: this.settings.callTimeoutMs,
      ...(e
        ? { apiEndpoint: e.port ? `${e.apiEndpoint}:${e.port}` : e.apiEndpoint }
        : {}),
      ...this.gaxAuth(),
    } as any);
    dns.interceptors.push({
      request: (reqOpts: Record<string, unknown>) => ({
        ...reqOpts,
        maxRetries: 0,
        timeout: this.settings.callTimeoutMs,
      }),
    } as any);
    return dns;
  }

  /** IAM v1 (REST, discovery-based client), without its own retries. */
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
      // googleapis retries 5xx GETs on its own by default; the actions'
      // backoff (retry.ts) is the one retry.
      retry: false,
      // gaxios has no timeout by default: a call that never answers would
      // hang the step until the task is cancelled.
      timeout: this.settings.callTimeoutMs,
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
      timeout: this.settings.callTimeoutMs,
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
