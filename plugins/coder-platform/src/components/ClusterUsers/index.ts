export { ClusterUsersContent } from './ClusterUsersContent';
