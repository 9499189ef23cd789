export { ClusterPage } from './ClusterPage';
export { ClusterTabs, CLUSTER_TABS } from './ClusterTabs';
