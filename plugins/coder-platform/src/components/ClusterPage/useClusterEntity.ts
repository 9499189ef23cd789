import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { CODER_PLATFORM_CLUSTER_ANNOTATION } from '@coder-platform/plugin-coder-platform-common';
import useAsync from 'react-use/esm/useAsync';

/**
 * The catalog's `coder-cluster` Resource bound to `cluster`, if any: its
 * `metadata.links` carry the URLs of Keycloak, Grafana, Prometheus and
 * Alertmanager that the backend does not report. A catalog failure leaves
 * the page without them.
 */
export function useClusterEntity(cluster: string) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'Resource',
        'spec.type': 'coder-cluster',
        [`metadata.annotations.${CODER_PLATFORM_CLUSTER_ANNOTATION}`]: cluster,
      },
    });
    return items[0];
  }, [catalogApi, cluster]);
}
