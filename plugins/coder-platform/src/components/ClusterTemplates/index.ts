export { ClusterTemplatesContent } from './ClusterTemplatesContent';
export { templateOfImage, useWorkspaceImages } from './useWorkspaceImages';
