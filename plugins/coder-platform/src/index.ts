/**
 * Frontend plugin for the Coder Platform: the Coder Platform page, cluster
 * pages and entity tabs and cards.
 *
 * This entry serves apps on the legacy frontend system; the new frontend
 * system's plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  coderPlatformPlugin,
  CoderPlatformPage,
  EntityCoderClusterCard,
  EntityCoderClusterContent,
  EntityWorkspaceImageCard,
  isCoderClusterEntity,
  isWorkspaceImageEntity,
} from './plugin';
export type { EntityClusterTab } from './components/EntityCluster';
export * from './api';
export { rootRouteRef, clusterRouteRef } from './routes';
