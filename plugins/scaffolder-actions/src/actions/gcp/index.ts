import { Config } from '@backstage/config';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/** Creates the GCP actions (`gcp:*`). */
export function createGcpActions(_options: { config: Config }): TemplateAction<any, any, any>[] {
  return [];
}
