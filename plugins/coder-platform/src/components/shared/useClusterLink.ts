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
    // useRouteRef throws when the route is not mounted, after all of its
    // own hooks have run, so the hook order stays the same on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(clusterRouteRef);
  } catch {
    link = undefined;
  }
  return link ? (name: string) => link!({ name }) : undefined;
}
