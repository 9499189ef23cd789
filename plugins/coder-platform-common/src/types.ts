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
}

/** Response of `GET /api/coder-platform/clusters`. */
export interface ClusterListResponse {
  items: ClusterSummary[];
}
