import type { PinnedRelease } from '@coder-platform/plugin-coder-platform-common';
import type { SecretRegistry } from '../redaction/redact';

/** `namespace/name` of a Kubernetes object, plus the key for Secrets. */
export interface ObjectRef {
  namespace: string;
  name: string;
}

/** A key of a Kubernetes Secret. */
export interface SecretKeyRef extends ObjectRef {
  key: string;
}

/** How the backend authenticates to one Kubernetes API server. */
export type KubernetesAuthConfig =
  | { type: 'token'; token: string }
  | { type: 'google' }
  | { type: 'kubeconfig'; path: string; context?: string };

/**
 * Where one cluster's API server is: a URL (+ CA) from config, a GKE cluster
 * whose endpoint and CA the backend reads from the GKE API, or the server of
 * a kubeconfig file.
 */
export type KubernetesClusterConfig =
  | {
      kind: 'url';
      url: string;
      caData?: string;
      skipTLSVerify?: boolean;
      auth: { type: 'token'; token: string } | { type: 'google' };
    }
  | { kind: 'gke'; resourceName: string; auth: { type: 'google' } }
  | {
      kind: 'kubeconfig';
      auth: { type: 'kubeconfig'; path: string; context?: string };
    };

export interface CoderUpstreamConfig {
  url: string;
  /** Session or API token; absent for clusters whose Coder is only bootstrapped by the actions. */
  token?: string;
  /** Organization whose provisioner daemons are listed. Default `default`. */
  organization: string;
  /** The Secret `coder:bootstrap` writes the admin session token to and `coder:template:push` reads. */
  sessionTokenSecret: SecretKeyRef;
}

/** The read-only client the backend lists users with. */
export interface KeycloakUpstreamConfig {
  baseUrl: string;
  realm: string;
  /** Realm the client logs in to; defaults to `realm`. */
  loginRealm?: string;
  clientId: string;
  clientSecret: string;
}

/** The identity that administers realms (the `keycloak:*` actions). */
export interface KeycloakAdminConfig {
  baseUrl: string;
  /** Realm the admin identity logs in to; default `master`. */
  loginRealm: string;
  credentials:
    | { type: 'password'; username: string; password: string }
    | { type: 'client'; clientId: string; clientSecret: string };
}

export interface PostgresBackupConfig {
  name: string;
  prefix: string;
  schedule: string;
  retain?: number;
}

export interface BackupsUpstreamConfig {
  bucket: string;
  /** Another GCS endpoint (an emulator); Google's when absent. */
  endpoint?: string;
  postgres: PostgresBackupConfig[];
  restic?: {
    prefix: string;
    password?: string;
    passwordSecret?: SecretKeyRef;
    /** HTTPS proxy restic goes through (`HTTPS_PROXY`). */
    httpsProxy?: string;
    /** Extra CA certificate restic trusts (`--cacert`). */
    caCertFile?: string;
  };
}

export interface GcpConfig {
  projectId: string;
  credentials?: string;
}

/** One entry of `coderPlatform.clusters[]`, with credentials: backend only. */
export interface ClusterConfig {
  name: string;
  title: string;
  coder?: CoderUpstreamConfig;
  keycloak?: KeycloakUpstreamConfig;
  keycloakAdmin?: KeycloakAdminConfig;
  backups?: BackupsUpstreamConfig;
  kubernetes?: KubernetesClusterConfig;
  gcp?: GcpConfig;
  /** Chart versions the cluster template pins (drift is reported against them). */
  pinnedReleases: PinnedRelease[];
  /** Every secret value of this cluster (configured, and learnt at run time), to scrub from every exit. */
  secrets: SecretRegistry;
  /** The backend's Google identity (`coderPlatform.gcp`), for google auth and GKE resolution. */
  google: ClusterModelConfig['google'];
  /** Set for a cluster discovered from the catalog: the `coder-cluster` Resource it came from. */
  discovered?: { entityRef: string };
}

/** Where one Google API is reached (`coderPlatform.gcp.endpoints.<api>`). */
export interface GcpEndpoint {
  apiEndpoint: string;
  port?: number;
  plaintext?: boolean;
}

/**
 * How the backend finds Keycloak and Coder inside a cluster named by its GKE
 * resource name (`coderPlatform.gke`), and which projects it trusts.
 */
export interface GkeSettings {
  /** Projects whose GKE clusters templates may name. Empty: none. */
  allowedProjects: string[];
  keycloak: {
    /** The Ingress whose first host is Keycloak's (`https://<host>`). */
    ingress: ObjectRef;
    /** Secret with keys `username` and `password` of the admin. */
    adminSecret: ObjectRef;
    /** Realm the admin logs in to. */
    loginRealm: string;
  };
  coder: {
    /** The Ingress whose first host is Coder's (`https://<host>`). */
    ingress: ObjectRef;
    /** Secret holding the admin session token. */
    sessionTokenSecret: SecretKeyRef;
  };
}

/** Everything the cluster model reads from app-config. */
export interface ClusterModelConfig {
  clusters: ClusterConfig[];
  gke: GkeSettings;
  /** Secrets the actions may read besides those labelled `coder-platform.io/managed: "true"`. */
  readableSecrets: ObjectRef[];
  /** The backend's own Google identity. */
  google: {
    /** `coderPlatform.gcp.keyFilename`; Application Default Credentials when absent. */
    keyFilename?: string;
    /** `coderPlatform.gcp.endpoints.container`. */
    containerEndpoint?: GcpEndpoint;
    /** `coderPlatform.gcp.callTimeoutSeconds` in ms: one GKE API read, its retries included. */
    callTimeoutMs?: number;
  };
}
