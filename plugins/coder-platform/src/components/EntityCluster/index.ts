export { EntityClusterContent } from './EntityClusterContent';
export type { EntityClusterTab } from './EntityClusterContent';
export { EntityClusterGuard } from './EntityClusterGuard';
