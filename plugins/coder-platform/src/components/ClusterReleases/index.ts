export { ClusterReleasesContent } from './ClusterReleasesContent';
