import type { GkeResourceName } from '../gkeResourceName';
import type { SecretKeyRef } from '../types';

/** `coderPlatform.discovery`: clusters discovered from the catalog's `coder-cluster` Resources. */
export interface DiscoverySettings {
  enabled: boolean;
  /** How often the catalog is read (SchedulerService task). */
  frequencySeconds: number;
  /** A route naming an unknown cluster reads the catalog at most once per this many seconds. */
  onDemandMinIntervalSeconds: number;
  /** Hosts (`host`, `host:port` or `*.domain`) a `coder-url` / `keycloak-url` annotation may name. */
  allowedHosts: string[];
  /** Secrets of the discovered cluster the credentials are read from (each must carry the managed label). */
  secrets: {
    coderToken?: SecretKeyRef;
    keycloakClientId: SecretKeyRef;
    keycloakClientSecret: SecretKeyRef;
    resticPassword: SecretKeyRef;
  };
}

/** What a `coder-cluster` Resource says about a cluster: names and public URLs, no credential. */
export interface DiscoveredClusterSpec {
  /** `coder-platform.io/cluster`. */
  name: string;
  title: string;
  /** `resource:<namespace>/<name>` of the entity. */
  entityRef: string;
  gke: GkeResourceName;
  coderUrl?: string;
  keycloak?: { url?: string; realm: string };
  backups?: {
    bucket: string;
    postgres?: { prefix: string; schedule: string };
    resticPrefix?: string;
  };
}

/** The result of reading one entity: a spec, or nothing, and what was ignored. */
export interface ParsedClusterEntity {
  spec?: DiscoveredClusterSpec;
  /** Each names the entity and the field; never an annotation's value when it may be a credential. */
  warnings: string[];
}
