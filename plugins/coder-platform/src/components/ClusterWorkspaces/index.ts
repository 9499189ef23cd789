export {
  ClusterWorkspacesContent,
  workspaceQuery,
} from './ClusterWorkspacesContent';
export { WorkspacesTable, workspaceUrl } from './WorkspacesTable';
