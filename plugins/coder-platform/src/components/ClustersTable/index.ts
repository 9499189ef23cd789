export { ClustersTable } from './ClustersTable';
export { ClusterRow } from './ClusterRow';
export { UpstreamChips } from './UpstreamChips';
