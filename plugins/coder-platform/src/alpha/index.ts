export { coderPlatformPlugin as default } from './plugin';
export { coderClusterFilter, workspaceImageFilter } from './filters';
