/** A cluster as the backend describes it to the browser: no endpoints, no credentials. */
export interface ClusterSummary {
  /** Name from `coderPlatform.clusters[].name`, used in the entity annotation. */
  name: string;
  /** Human-readable title, defaults to the name. */
  title: string;
  /** Which upstreams are configured for this cluster. */
  upstreams: {
    coder: boolean;
    keycloak: boolean;
    postgresBackups: boolean;
    workspaceBackups: boolean;
    kubernetes: boolean;
  };
  /**
   * Where the backend knows the cluster from: `config` (`coderPlatform.clusters[]`)
   * or `catalog` (discovered from a `coder-cluster` Resource, named by `entityRef`).
   * Absent means `config`.
   */
  source?: 'config' | 'catalog';
  /** The catalog Resource a discovered cluster came from, e.g. `resource:default/dev`. */
  entityRef?: string;
}

/** Response of `GET /api/coder-platform/clusters`. */
export interface ClusterListResponse {
  items: ClusterSummary[];
}
