export {
  formatAge,
  formatBuildTime,
  formatBytes,
  formatDateTime,
} from './format';
export { wholeCell, wordsCell } from './cellStyles';
export { HealthBadge } from './HealthBadge';
export type { HealthLevel } from './HealthBadge';
export { useClusterLink } from './useClusterLink';
