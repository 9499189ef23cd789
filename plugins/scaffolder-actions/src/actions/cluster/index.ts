import { Config } from '@backstage/config';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/** Creates the in-cluster actions (`kubernetes:*`, `helm:*`, `keycloak:*`, `coder:*`). */
export function createClusterActions(_options: { config: Config }): TemplateAction<any, any, any>[] {
  return [];
}
