export { ClusterOverviewContent } from './ClusterOverviewContent';
export { ClusterLinks, CLUSTER_TOOLS } from './ClusterLinks';
export { HealthSections } from './HealthSections';
export { WorkspaceCounts } from './WorkspaceCounts';
