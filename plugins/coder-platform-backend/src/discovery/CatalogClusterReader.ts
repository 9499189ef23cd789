import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { CODER_CLUSTER_RESOURCE_TYPE } from '@coder-platform/plugin-coder-platform-common';
import type { ClusterEntity } from '@coder-platform/plugin-coder-platform-node';

const PAGE_SIZE = 100;
const MAX_PAGES = 50;

/**
 * Reads the catalog's `Resource` entities of `spec.type: coder-cluster`
 * through the catalog's REST API (`GET /entities/by-query`), found with the
 * DiscoveryService and called with the plugin's own service credentials.
 * (`@backstage/plugin-catalog-node`'s CatalogService is not a dependency of
 * this package; the REST API is what it calls.)
 */
export class CatalogClusterReader {
  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      fetch?: typeof fetch;
    },
  ) {}

  async read(signal?: AbortSignal): Promise<ClusterEntity[]> {
    const { discovery, auth } = this.deps;
    const doFetch = this.deps.fetch ?? fetch;
    const baseUrl = await discovery.getBaseUrl('catalog');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    const entities: ClusterEntity[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams();
      if (cursor) {
        query.set('cursor', cursor);
      } else {
        query.append(
          'filter',
          `kind=resource,spec.type=${CODER_CLUSTER_RESOURCE_TYPE}`,
        );
      }
      query.set('limit', String(PAGE_SIZE));
      for (const field of ['kind', 'metadata', 'spec.type']) {
        query.append('fields', field);
      }
      const response = await doFetch(`${baseUrl}/entities/by-query?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
        signal,
      });
      if (!response.ok) {
        throw new Error(
          `the catalog answered HTTP ${response.status} to the coder-cluster query (${baseUrl}/entities/by-query); is the catalog backend installed and does it allow the coder-platform plugin?`,
        );
      }
      const body = (await response.json()) as {
        items: ClusterEntity[];
        pageInfo?: { nextCursor?: string };
      };
      entities.push(...body.items.filter(Boolean));
      cursor = body.pageInfo?.nextCursor;
      if (!cursor) break;
    }
    return entities;
  }
}
