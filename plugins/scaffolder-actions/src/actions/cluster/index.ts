import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterActionsOptions } from './clusterAccess';
import { createHelmReleaseAction } from './helmRelease';
import { createKubernetesApplyAction } from './kubernetesApply';

export type { ClusterActionsOptions } from './clusterAccess';
export { createHelmReleaseAction } from './helmRelease';
export { createKubernetesApplyAction } from './kubernetesApply';

/** Creates the in-cluster actions (`kubernetes:*`, `helm:*`, `keycloak:*`, `coder:*`). */
export function createClusterActions(
  options: ClusterActionsOptions,
): TemplateAction<any, any, any>[] {
  return [
    createKubernetesApplyAction(options),
    createHelmReleaseAction(options),
  ];
}
