import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterListResponse,
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
import type {
  CoderPlatformApi,
  KeycloakUsersQuery,
  WorkspacesQuery,
} from './CoderPlatformApi';

type QueryValue = string | number | boolean | undefined;

/** Talks to the backend plugin through Backstage's authenticated fetch. */
export class CoderPlatformClient implements CoderPlatformApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listClusters(): Promise<ClusterSummary[]> {
    const body = await this.get<ClusterListResponse>('/clusters');
    return body.items;
  }

  getCluster(name: string): Promise<ClusterSummary> {
    return this.get(`/clusters/${encodeURIComponent(name)}`);
  }

  getCoderOverview(cluster: string): Promise<CoderOverviewResponse> {
    return this.get(this.clusterPath(cluster, 'coder'));
  }

  listWorkspaces(
    cluster: string,
    query: WorkspacesQuery = {},
  ): Promise<CoderWorkspacesListResponse> {
    return this.get(this.clusterPath(cluster, 'workspaces'), { ...query });
  }

  listKeycloakUsers(
    cluster: string,
    query: KeycloakUsersQuery = {},
  ): Promise<KeycloakUsersResponse> {
    return this.get(this.clusterPath(cluster, 'keycloak/users'), { ...query });
  }

  getKeycloakUserGroups(
    cluster: string,
    userId: string,
  ): Promise<KeycloakUserGroupsResponse> {
    return this.get(
      this.clusterPath(
        cluster,
        `keycloak/users/${encodeURIComponent(userId)}/groups`,
      ),
    );
  }

  getKeycloakSummary(cluster: string): Promise<KeycloakSummaryResponse> {
    return this.get(this.clusterPath(cluster, 'keycloak/summary'));
  }

  getPostgresBackups(cluster: string): Promise<PostgresBackupsResponse> {
    return this.get(this.clusterPath(cluster, 'backups/postgres'));
  }

  getWorkspaceBackups(cluster: string): Promise<WorkspaceBackupsResponse> {
    return this.get(this.clusterPath(cluster, 'backups/workspaces'));
  }

  getReleases(cluster: string): Promise<HelmReleasesResponse> {
    return this.get(this.clusterPath(cluster, 'releases'));
  }

  private clusterPath(cluster: string, rest: string): string {
    return `/clusters/${encodeURIComponent(cluster)}/${rest}`;
  }

  private async get<T>(
    path: string,
    query: Record<string, QueryValue> = {},
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('coder-platform');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
