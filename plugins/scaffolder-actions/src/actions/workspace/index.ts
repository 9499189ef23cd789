import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createWorkspaceImageValidateAction } from './workspaceImageValidate';

export { createWorkspaceImageValidateAction } from './workspaceImageValidate';

/** Creates the actions of the workspace-image self-service (`coder-platform:workspace-image:*`). */
export function createWorkspaceActions(): TemplateAction<any, any, any>[] {
  return [createWorkspaceImageValidateAction()];
}
