import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CatalogActionsOptions,
  createCatalogUnregisterAction,
} from './catalogUnregister';

export type {
  CatalogAccess,
  CatalogEntity,
  CatalogLocation,
  CatalogRequestOptions,
} from './catalogAccess';
export type { CatalogActionsOptions } from './catalogUnregister';
export {
  CATALOG_UNREGISTER_ACTION_ID,
  createCatalogUnregisterAction,
} from './catalogUnregister';

/** Creates the catalog actions (`coder-platform:catalog:*`). */
export function createCatalogActions(
  options: CatalogActionsOptions,
): TemplateAction<any, any, any>[] {
  return [createCatalogUnregisterAction(options)] as TemplateAction<
    any,
    any,
    any
  >[];
}
/** The examples of the action (the real-catalog test in packages/testing runs each). */
export { examples as catalogUnregisterExamples } from './catalogUnregister.examples';
