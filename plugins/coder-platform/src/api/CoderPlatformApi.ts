import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ClusterSummary,
  CoderOverviewResponse,
  CoderWorkspacesListResponse,
  HelmReleasesResponse,
  KeycloakSummaryResponse,
  KeycloakUserGroupsResponse,
  KeycloakUsersResponse,
  PostgresBackupsResponse,
  WorkspaceBackupsResponse,
} from '@coder-platform/plugin-coder-platform-common';

/** Query of {@link CoderPlatformApi.listWorkspaces}. */
export interface WorkspacesQuery {
  /** Coder's workspace search, e.g. `owner:alice template:devbox`. */
  q?: string;
  limit?: number;
  offset?: number;
}

/** Query of {@link CoderPlatformApi.listKeycloakUsers}. */
export interface KeycloakUsersQuery {
  search?: string;
  first?: number;
  max?: number;
  enabled?: boolean;
  emailVerified?: boolean;
}

/**
 * Browser-side access to `/api/coder-platform`: one method per backend
 * route. Endpoints and credentials never reach the browser; failures reject
 * with a `ResponseError` carrying the backend's status and message.
 */
export interface CoderPlatformApi {
  /** `GET /clusters`: the clusters the backend knows (no endpoints or credentials). */
  listClusters(): Promise<ClusterSummary[]>;
  /** `GET /clusters/:name`. */
  getCluster(name: string): Promise<ClusterSummary>;
  /** `GET /clusters/:name/coder`: build info, health, stats, templates, provisioners. */
  getCoderOverview(cluster: string): Promise<CoderOverviewResponse>;
  /** `GET /clusters/:name/workspaces`. */
  listWorkspaces(
    cluster: string,
    query?: WorkspacesQuery,
  ): Promise<CoderWorkspacesListResponse>;
  /** `GET /clusters/:name/keycloak/users` (permission `coder-platform.keycloak.users.read`). */
  listKeycloakUsers(
    cluster: string,
    query?: KeycloakUsersQuery,
  ): Promise<KeycloakUsersResponse>;
  /** `GET /clusters/:name/keycloak/users/:id/groups`. */
  getKeycloakUserGroups(
    cluster: string,
    userId: string,
  ): Promise<KeycloakUserGroupsResponse>;
  /** `GET /clusters/:name/keycloak/summary`. */
  getKeycloakSummary(cluster: string): Promise<KeycloakSummaryResponse>;
  /** `GET /clusters/:name/backups/postgres`. */
  getPostgresBackups(cluster: string): Promise<PostgresBackupsResponse>;
  /** `GET /clusters/:name/backups/workspaces`. */
  getWorkspaceBackups(cluster: string): Promise<WorkspaceBackupsResponse>;
  /** `GET /clusters/:name/releases`. */
  getReleases(cluster: string): Promise<HelmReleasesResponse>;
}

export const coderPlatformApiRef = createApiRef<CoderPlatformApi>().with({
  id: 'plugin.coder-platform.api',
  pluginId: 'coder-platform',
});
