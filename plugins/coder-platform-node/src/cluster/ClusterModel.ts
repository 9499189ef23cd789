import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';
import type { AuthClient } from 'google-auth-library';
import { SecretRegistry } from '../redaction/redact';
import { connectKubernetes } from './connectKubernetes';
import { GkeClusters } from './GkeClusters';
import { GkeResourceName, parseGkeResourceName } from './gkeResourceName';
import { GoogleIdentity } from './GoogleIdentity';
import { readClusterModelConfig } from './readClusterConfig';
import { assertReadableSecret } from './secretPolicy';
import {
  ClusterConfig,
  ClusterModelConfig,
  KeycloakAdminConfig,
  KubernetesClusterConfig,
  ObjectRef,
  SecretKeyRef,
} from './types';

/** Options of {@link ClusterModel}. */
export interface ClusterModelOptions {
  /** Replaces the backend's Google identity (ADC or `coderPlatform.gcp.keyFilename`), e.g. in tests. */
  authClient?: AuthClient;
}

/** The Coder deployment of a resolved cluster. */
export interface CoderTarget {
  url: string;
  /** Where the admin session token lives (written by `coder:bootstrap`). */
  sessionTokenSecret: SecretKeyRef;
  /** The configured token, else the one in {@link CoderTarget.sessionTokenSecret}; `undefined` when neither exists. */
  token(): Promise<string | undefined>;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: number; statusCode?: number };
  return typeof e?.code === 'number' ? e.code : e?.statusCode;
}

/**
 * One cluster a template named, resolved to targets the backend trusts. Every
 * credential it learns (Google tokens, passwords read from Secrets) joins
 * {@link ResolvedCluster.secrets} before it is used.
 */
export class ResolvedCluster {
  readonly secrets: SecretRegistry;
  #kubeConfig?: Promise<KubeConfig>;

  constructor(
    /** The name the template gave: a configured name or a GKE resource name. */
    readonly name: string,
    /** `config` for `coderPlatform.clusters[]`, `gke` for an allowed GKE resource name. */
    readonly source: 'config' | 'gke',
    private readonly model: ClusterModel,
    readonly config?: ClusterConfig,
    readonly gke?: GkeResourceName,
  ) {
    this.secrets = new SecretRegistry(config?.secrets ?? []);
  }

  #kubernetes(): KubernetesClusterConfig {
    if (this.gke) {
      return {
        kind: 'gke',
        resourceName: this.gke.resourceName,
        auth: { type: 'google' },
      };
    }
    const k = this.config!.kubernetes;
    if (!k) {
      throw new InputError(
        `cluster "${this.name}" has no kubernetes block in coderPlatform.clusters[] of app-config`,
      );
    }
    return k;
  }

  /** An in-memory kubeconfig of the cluster's API server (built once). */
  kubeConfig(): Promise<KubeConfig> {
    if (!this.#kubeConfig) {
      const identity = this.model.googleIdentity(this.secrets, this.config);
      this.#kubeConfig = connectKubernetes(
        this.#kubernetes(),
        {
          identity,
          gke: new GkeClusters(
            identity,
            this.model.settings.google.containerEndpoint,
            this.model.settings.google.callTimeoutMs,
          ),
        },
        `cluster "${this.name}" kubernetes`,
      );
      this.#kubeConfig.catch(() => (this.#kubeConfig = undefined));
    }
    return this.#kubeConfig;
  }

  /**
   * Reads one key of a Secret of this cluster and registers the value as a
   * secret. Unless `trusted` (a Secret named in app-config), the Secret must
   * carry the managed label or be listed in `readableSecrets`; otherwise an
   * error names `field` and the value is never returned.
   */
  async readSecret(
    ref: ObjectRef,
    key: string,
    options: { field: string; trusted?: boolean },
  ): Promise<string | undefined> {
    const core = (await this.kubeConfig()).makeApiClient(CoreV1Api);
    let secret;
    try {
      secret = await core.readNamespacedSecret(ref);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw new Error(
        `${options.field}: reading Secret ${ref.namespace}/${
          ref.name
        } in cluster "${this.name}" failed (HTTP ${statusOf(error) ?? '?'})`,
      );
    }
    if (!options.trusted) {
      assertReadableSecret(
        options.field,
        ref,
        secret.metadata?.labels,
        this.model.settings.readableSecrets,
      );
    }
    const raw = secret.data?.[key];
    if (raw === undefined) return undefined;
    return this.secrets.add(Buffer.from(raw, 'base64').toString('utf8'));
  }

  async #requireSecret(ref: ObjectRef, key: string, at: string) {
    const value = await this.readSecret(ref, key, { field: at, trusted: true });
    if (!value) {
      throw new Error(
        `cluster "${this.name}": Secret ${ref.namespace}/${ref.name} has no key ${key} (${at})`,
      );
    }
    return value;
  }

  /** `https://<first host>` of an Ingress of this cluster; `at` names the config key in errors. */
  async ingressUrl(ref: ObjectRef, at: string): Promise<string> {
    const net = (await this.kubeConfig()).makeApiClient(NetworkingV1Api);
    let host: string | undefined;
    try {
      const ingress = await net.readNamespacedIngress(ref);
      host =
        ingress.spec?.rules?.find(r => r.host)?.host ??
        ingress.spec?.tls?.[0]?.hosts?.[0];
    } catch (error) {
      throw new Error(
        `cluster "${this.name}": cannot read Ingress ${ref.namespace}/${
          ref.name
        } (${at}, HTTP ${statusOf(error) ?? '?'}); is it installed?`,
      );
    }
    if (!host || host.includes('*')) {
      throw new Error(
        `cluster "${this.name}": Ingress ${ref.namespace}/${ref.name} (${at}) has no host`,
      );
    }
    return `https://${host}`;
  }

  /** The identity that administers Keycloak realms of this cluster. */
  async keycloakAdmin(): Promise<KeycloakAdminConfig> {
    if (this.config) {
      const admin = this.config.keycloakAdmin;
      if (!admin) {
        throw new InputError(
          `cluster "${this.name}" has no keycloak.admin in coderPlatform.clusters[] of app-config; the keycloak:* actions need an admin identity`,
        );
      }
      return admin;
    }
    const gke = this.model.settings.gke.keycloak;
    const at = 'coderPlatform.gke.keycloak';
    const baseUrl = await this.ingressUrl(gke.ingress, `${at}.ingress`);
    return {
      baseUrl,
      loginRealm: gke.loginRealm,
      credentials: {
        type: 'password',
        username: await this.#requireSecret(
          gke.adminSecret,
          'username',
          `${at}.adminSecret`,
        ),
        password: await this.#requireSecret(
          gke.adminSecret,
          'password',
          `${at}.adminSecret`,
        ),
      },
    };
  }

  /** The Coder deployment of this cluster. */
  async coder(): Promise<CoderTarget> {
    if (this.config) {
      const coder = this.config.coder;
      if (!coder) {
        throw new InputError(
          `cluster "${this.name}" has no coder block in coderPlatform.clusters[] of app-config`,
        );
      }
      const ref = coder.sessionTokenSecret;
      return {
        url: coder.url,
        sessionTokenSecret: ref,
        token: async () =>
          coder.token ??
          (this.config!.kubernetes
            ? this.readSecret(ref, ref.key, {
                field: 'coder.sessionTokenSecret',
                trusted: true,
              })
            : undefined),
      };
    }
    const gke = this.model.settings.gke.coder;
    const url = await this.ingressUrl(
      gke.ingress,
      'coderPlatform.gke.coder.ingress',
    );
    const ref = gke.sessionTokenSecret;
    return {
      url,
      sessionTokenSecret: ref,
      token: () =>
        this.readSecret(ref, ref.key, {
          field: 'coderPlatform.gke.coder.sessionTokenSecret',
          trusted: true,
        }),
    };
  }
}

/**
 * The one cluster model of the suite: the clusters of app-config and GKE
 * clusters named by resource name in allowed projects. Credentials only go
 * to targets it resolved; anything else is refused before a credential is
 * used.
 */
export class ClusterModel {
  readonly settings: ClusterModelConfig;
  readonly #authClient?: AuthClient;

  constructor(settings: ClusterModelConfig, options: ClusterModelOptions = {}) {
    this.settings = settings;
    this.#authClient = options.authClient;
  }

  static fromConfig(
    config: Config,
    options: ClusterModelOptions = {},
  ): ClusterModel {
    return new ClusterModel(readClusterModelConfig(config), options);
  }

  /** The backend's Google identity; a cluster's own `gcp.credentials` win. */
  googleIdentity(
    secrets: SecretRegistry,
    cluster?: ClusterConfig,
  ): GoogleIdentity {
    return new GoogleIdentity({
      authClient: this.#authClient,
      credentials: cluster?.gcp?.credentials,
      keyFilename: this.settings.google.keyFilename,
      secrets,
    });
  }

  /** The configured cluster of that name, if any. */
  configured(name: string): ClusterConfig | undefined {
    return this.settings.clusters.find(c => c.name === name);
  }

  /**
   * Resolves a template's `cluster` input: a name of `coderPlatform.clusters`
   * or `projects/<p>/locations/<l>/clusters/<c>` with `<p>` in
   * `coderPlatform.gke.allowedProjects`. Anything else throws an
   * {@link InputError} naming `field`; no credential is used before.
   */
  resolve(ref: unknown, field = 'cluster'): ResolvedCluster {
    if (typeof ref !== 'string' || ref.length === 0) {
      throw new InputError(
        `${field}: give a cluster name from coderPlatform.clusters or a GKE resource name (projects/<project>/locations/<location>/clusters/<name>, e.g. the resourceName output of gcp:gke:cluster)`,
      );
    }
    const configured = this.configured(ref);
    if (configured) return new ResolvedCluster(ref, 'config', this, configured);
    if (ref.startsWith('projects/')) {
      const gke = parseGkeResourceName(ref);
      if (!gke) {
        throw new InputError(
          `${field}: "${ref}" is not a GKE resource name (projects/<project>/locations/<location>/clusters/<name>)`,
        );
      }
      if (!this.settings.gke.allowedProjects.includes(gke.project)) {
        throw new InputError(
          `${field}: project "${gke.project}" is not in coderPlatform.gke.allowedProjects; the backend only sends its credentials to GKE clusters of allowed projects`,
        );
      }
      return new ResolvedCluster(ref, 'gke', this, undefined, gke);
    }
    const names = this.settings.clusters.map(c => c.name);
    throw new InputError(
      `${field}: "${
        ref.length > 80 ? `${ref.slice(0, 80)}…` : ref
      }" is neither a cluster of coderPlatform.clusters (${
        names.join(', ') || 'none configured'
      }) nor a GKE resource name; endpoints and URLs are not accepted`,
    );
  }
}
