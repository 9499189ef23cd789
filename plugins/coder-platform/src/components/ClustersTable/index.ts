export { ClustersTable } from './ClustersTable';
export { UpstreamChips } from './UpstreamChips';
