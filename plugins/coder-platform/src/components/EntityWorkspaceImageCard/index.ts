export { EntityWorkspaceImageCard } from './EntityWorkspaceImageCard';
