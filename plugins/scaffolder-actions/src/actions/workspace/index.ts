import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  createWorkspaceImageValidateAction,
  WorkspaceActionsOptions,
} from './workspaceImageValidate';

export { createWorkspaceImageValidateAction } from './workspaceImageValidate';
export type { WorkspaceActionsOptions } from './workspaceImageValidate';
export type {
  WorkspaceCatalog,
  WorkspaceCluster,
} from './workspaceImageCluster';

/** Creates the actions of the workspace-image self-service (`coder-platform:workspace-image:*`). */
export function createWorkspaceActions(
  options: WorkspaceActionsOptions,
): TemplateAction<any, any, any>[] {
  return [createWorkspaceImageValidateAction(options)];
}
