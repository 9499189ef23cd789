import { createApiRef } from '@backstage/frontend-plugin-api';
import type { ClusterSummary } from '@coder-platform/plugin-coder-platform-common';

/** Browser-side access to `/api/coder-platform`. */
export interface CoderPlatformApi {
  /** The clusters configured on the backend (no endpoints or credentials). */
  listClusters(): Promise<ClusterSummary[]>;
}

export const coderPlatformApiRef = createApiRef<CoderPlatformApi>({
  id: 'plugin.coder-platform.api',
});
