import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { ClusterActionsOptions } from './clusterAccess';
import { createCoderBootstrapAction } from './coderBootstrap';
import { createCoderTemplatePushAction } from './coderTemplatePush';
import { createCoderTemplateFetchAction } from './coderTemplateFetch';
import { createHelmReleaseAction } from './helmRelease';
import { createKubernetesApplyAction } from './kubernetesApply';
import { createKeycloakClientAction } from './keycloakClient';
import { createKeycloakRealmAction } from './keycloakRealm';
import { createKubernetesSecretAction } from './kubernetesSecret';
import { createKubernetesDeleteAction } from './kubernetesDelete';
import { createKeycloakGroupAction } from './keycloakGroup';
import { createHttpWaitAction } from './httpWait';
import { createPostgresGuardAction } from './postgresGuard';
import { withRedaction } from './withRedaction';

export type { ClusterActionsOptions } from './clusterAccess';
export { createCoderBootstrapAction } from './coderBootstrap';
export { createCoderTemplatePushAction } from './coderTemplatePush';
export {
  BUNDLED_CODER_TEMPLATES,
  bundledCoderTemplatePath,
  createCoderTemplateFetchAction,
} from './coderTemplateFetch';
export type { BundledCoderTemplate } from './coderTemplateFetch';
export { createHelmReleaseAction } from './helmRelease';
export { createKubernetesApplyAction } from './kubernetesApply';
export { createKeycloakClientAction } from './keycloakClient';
export { createKeycloakRealmAction } from './keycloakRealm';
export { createKubernetesSecretAction } from './kubernetesSecret';
export { createKubernetesDeleteAction } from './kubernetesDelete';
export { createKeycloakGroupAction } from './keycloakGroup';
export { createHttpWaitAction } from './httpWait';
export { createPostgresGuardAction } from './postgresGuard';

/**
 * Creates the in-cluster actions (`kubernetes:*`, `helm:*`, `keycloak:*`,
 * `coder:*`, `http:wait`), each behind the one redaction at its exits.
 */
export function createClusterActions(
  options: ClusterActionsOptions,
): TemplateAction<any, any, any>[] {
  return [
    createKubernetesApplyAction(options),
    createHelmReleaseAction(options),
    createKeycloakRealmAction(options),
    createKeycloakClientAction(options),
    createCoderBootstrapAction(options),
    createCoderTemplatePushAction(options),
    createCoderTemplateFetchAction(),
    createPostgresGuardAction(options),
    createKubernetesSecretAction(options),
    createKubernetesDeleteAction(options),
    createKeycloakGroupAction(options),
    createHttpWaitAction(options),
  ].map(action => withRedaction(action, options));
}
