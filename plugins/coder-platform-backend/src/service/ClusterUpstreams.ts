import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoderClient,
  connectKubernetes,
  GkeClusters,
  GoogleIdentity,
  GcpEndpoint,
  HelmReleases,
  KeycloakUsers,
  ResticBackups,
  WalgBackups,
} from '@coder-platform/plugin-coder-platform-node';
import { Storage } from '@google-cloud/storage';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';
import { ClusterConfig } from '../config/readClusters';
import { Limiter } from './limiter';
import { ServiceSettings, UpstreamName } from './settings';

/** Counts upstream requests per cluster and upstream (`dev/keycloak` → 7). */
export class UpstreamCallCounter {
  readonly counts = new Map<string, number>();

  record(cluster: string, upstream: UpstreamName) {
    const key = `${cluster}/${upstream}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  total(cluster?: string, upstream?: UpstreamName): number {
    let sum = 0;
    for (const [key, value] of this.counts) {
      const [c, u] = key.split('/');
      if ((!cluster || c === cluster) && (!upstream || u === upstream))
        sum += value;
    }
    return sum;
  }
}

/**
 * The upstream clients of one cluster, built once on first use, each behind
 * its own limiter (concurrency + timeout).
 */
export class ClusterUpstreams {
  readonly cluster: ClusterConfig;
  readonly limiters: Record<UpstreamName, Limiter>;
  readonly #settings: ServiceSettings;
  readonly #calls: UpstreamCallCounter;
  readonly #logger: LoggerService;
  #coder?: CoderClient;
  #keycloak?: KeycloakUsers;
  #storage?: Storage;
  #walg?: WalgBackups;
  #kubeConfig?: Promise<KubeConfig>;
  #resticPassword?: Promise<string>;
  #google?: GoogleIdentity;
  readonly #googleOptions: {
    keyFilename?: string;
    containerEndpoint?: GcpEndpoint;
    callTimeoutMs?: number;
  };

  constructor(options: {
    cluster: ClusterConfig;
    settings: ServiceSettings;
    calls: UpstreamCallCounter;
    logger: LoggerService;
    /** Overrides the cluster's Google identity settings (`coderPlatform.gcp.keyFilename`, else ADC; the GKE API endpoint). */
    google?: { keyFilename?: string; containerEndpoint?: GcpEndpoint };
  }) {
    this.cluster = options.cluster;
    this.#googleOptions = options.google ?? options.cluster.google ?? {};
    this.#settings = options.settings;
    this.#calls = options.calls;
    this.#logger = options.logger;
    const limits = options.settings.limits;
    this.limiters = {
      coder: new Limiter(limits.coder),
      keycloak: new Limiter(limits.keycloak),
      gcs: new Limiter(limits.gcs),
      kubernetes: new Limiter(limits.kubernetes),
      restic: new Limiter(limits.restic),
    };
  }

  #count(upstream: UpstreamName) {
    return () => this.#calls.record(this.cluster.name, upstream);
  }

  #missing(what: string, key: string): never {
    throw new NotFoundError(
      `Cluster ${this.cluster.name} has no ${what} configured (coderPlatform.clusters[].${key})`,
    );
  }

  coder(): CoderClient {
    const config =
      this.cluster.coder ?? this.#missing('Coder deployment', 'coder');
    if (!config.token) this.#missing('Coder token', 'coder.token');
    if (!this.#coder) {
      const count = this.#count('coder');
      this.#coder = new CoderClient({
        baseUrl: config.url,
        sessionToken: config.token,
        timeoutMs: this.#settings.limits.coder.timeoutMs,
        retries: 2,
        fetch: (input, init) => {
          count();
          return fetch(input, init);
        },
      });
    }
    return this.#coder;
  }

  keycloak(): KeycloakUsers {
    const config =
      this.cluster.keycloak ?? this.#missing('Keycloak realm', 'keycloak');
    if (!this.#keycloak) {
      this.#keycloak = new KeycloakUsers(config, {
        onRequest: this.#count('keycloak'),
      });
    }
    return this.#keycloak;
  }

  storage(): Storage {
    const backups = this.cluster.backups ?? this.#missing('backups', 'backups');
    if (!this.#storage) {
      const credentials = this.cluster.gcp?.credentials;
      this.#storage = new Storage({
        projectId: this.cluster.gcp?.projectId,
        apiEndpoint: backups.endpoint,
        credentials: credentials ? JSON.parse(credentials) : undefined,
        retryOptions: { maxRetries: 2 },
      });
    }
    return this.#storage;
  }

  walg(): WalgBackups {
    const backups = this.cluster.backups ?? this.#missing('backups', 'backups');
    if (!this.#walg) {
      this.#walg = new WalgBackups({
        bucket: this.storage().bucket(backups.bucket),
        onRequest: this.#count('gcs'),
      });
    }
    return this.#walg;
  }

  async kubeConfig(): Promise<KubeConfig> {
    const config =
      this.cluster.kubernetes ??
      this.#missing('Kubernetes API server', 'kubernetes');
    if (!this.#kubeConfig) {
      // The cluster model's one auth module: token, Google (also for GKE
      // resource names, endpoint and CA read from the GKE API) or kubeconfig.
      const identity = this.googleIdentity();
      this.#kubeConfig = connectKubernetes(
        config,
        {
          identity,
          gke: new GkeClusters(
            identity,
            this.#googleOptions.containerEndpoint,
            this.#googleOptions.callTimeoutMs,
          ),
        },
        `coderPlatform.clusters[${this.cluster.name}].kubernetes`,
      );
      this.#kubeConfig.catch(() => {
        this.#kubeConfig = undefined;
      });
      if (config.auth.type === 'google') {
        // Google tokens live an hour: rebuild the kubeconfig before that.
        setTimeout(() => (this.#kubeConfig = undefined), 45 * 60_000).unref();
      }
    }
    return this.#kubeConfig;
  }

  async helm(): Promise<HelmReleases> {
    return new HelmReleases(await this.kubeConfig(), {
      onRequest: this.#count('kubernetes'),
    });
  }

  /** The backend's Google identity for this cluster; every token joins the cluster's secrets. */
  googleIdentity(): GoogleIdentity {
    if (!this.#google) {
      this.#google = new GoogleIdentity({
        credentials: this.cluster.gcp?.credentials,
        keyFilename: this.#googleOptions.keyFilename,
        secrets: this.cluster.secrets,
      });
    }
    return this.#google;
  }

  /** A Google access token of {@link ClusterUpstreams.googleIdentity}. */
  googleToken(): () => Promise<string> {
    return () => this.googleIdentity().accessToken();
  }

  async restic(): Promise<ResticBackups> {
    const backups = this.cluster.backups ?? this.#missing('backups', 'backups');
    const restic =
      backups.restic ?? this.#missing('restic repositories', 'backups.restic');
    const env: Record<string, string> = {};
    if (backups.endpoint) {
      // An emulator: no Google authentication (restic still needs a token value).
      env.GOOGLE_ACCESS_TOKEN = 'emulator';
    } else if (this.cluster.gcp?.credentials) {
      env.GOOGLE_ACCESS_TOKEN = await this.googleToken()();
    } else if (process.env.GOOGLE_APPLICATION_CREDENTIALS) {
      env.GOOGLE_APPLICATION_CREDENTIALS =
        process.env.GOOGLE_APPLICATION_CREDENTIALS;
    }
    env.GOOGLE_PROJECT_ID = this.cluster.gcp?.projectId ?? 'unused';
    if (restic.httpsProxy) env.HTTPS_PROXY = restic.httpsProxy;
    return new ResticBackups({
      bucket: this.storage().bucket(backups.bucket),
      prefix: restic.prefix,
      password: await this.resticPassword(),
      resticBin: this.#settings.restic.binary,
      cacheDir: this.#settings.restic.cacheDir,
      caCertFile: restic.caCertFile,
      env,
      concurrency: this.#settings.limits.restic.concurrency,
      timeoutMs: this.#settings.limits.restic.timeoutMs,
      onRequest: operation =>
        this.#calls.record(
          this.cluster.name,
          operation.startsWith('gcs') ? 'gcs' : 'restic',
        ),
    });
  }

  /** The restic password from config, or read once from the Kubernetes Secret it names. */
  resticPassword(): Promise<string> {
    const restic =
      this.cluster.backups?.restic ??
      this.#missing('restic repositories', 'backups.restic');
    if (restic.password) return Promise.resolve(restic.password);
    if (!this.#resticPassword) {
      const ref = restic.passwordSecret!;
      this.#resticPassword = (async () => {
        const core = (await this.kubeConfig()).makeApiClient(CoreV1Api);
        this.#calls.record(this.cluster.name, 'kubernetes');
        const secret = await core.readNamespacedSecret({
          namespace: ref.namespace,
          name: ref.name,
        });
        const value = secret.data?.[ref.key];
        if (!value) {
          throw new Error(
            `Secret ${ref.namespace}/${ref.name} has no key ${ref.key}`,
          );
        }
        return this.cluster.secrets.add(
          Buffer.from(value, 'base64').toString('utf8'),
        );
      })();
      this.#resticPassword.catch(error => {
        this.#logger.warn(
          `restic password of cluster ${this.cluster.name}: ${error.message}`,
        );
        this.#resticPassword = undefined;
      });
    }
    return this.#resticPassword;
  }
}
