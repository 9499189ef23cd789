import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterListResponse,
  ClusterSummary,
} from '@coder-platform/plugin-coder-platform-common';
import type { CoderPlatformApi } from './CoderPlatformApi';

/** Talks to the backend plugin through Backstage's authenticated fetch. */
export class CoderPlatformClient implements CoderPlatformApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listClusters(): Promise<ClusterSummary[]> {
    const body = await this.get<ClusterListResponse>('/clusters');
    return body.items;
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('coder-platform');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
