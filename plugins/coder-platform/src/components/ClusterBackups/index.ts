export { ClusterBackupsContent } from './ClusterBackupsContent';
