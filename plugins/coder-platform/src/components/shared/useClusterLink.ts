import { useRouteRef } from '@backstage/core-plugin-api';
import { clusterRouteRef } from '../../routes';

/**
 * Builds links to a cluster's page, or returns undefined when the app does
 * not mount the Coder Platform page (e.g. a legacy app showing only the
 * entity cards).
 */
export function useClusterLink(): ((cluster: string) => string) | undefined {
  let link: ((params: { name: string }) => string) | undefined;
  try {
    // useRouteRef throws when the route is not mounted; its hooks run first.
    link = useRouteRef(clusterRouteRef);
  } catch {
    link = undefined;
  }
  return link ? (name: string) => link!({ name }) : undefined;
}
