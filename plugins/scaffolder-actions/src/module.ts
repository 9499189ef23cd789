import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogActions } from './actions/catalog';
import { createClusterActions } from './actions/cluster';
import { createGcpActions } from './actions/gcp';
import { createWorkspaceActions } from './actions/workspace';

/**
 * Registers every Coder Platform scaffolder action with the scaffolder:
 * GCP resources, then what runs inside the cluster.
 */
export const scaffolderModuleCoderPlatform = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'coder-platform',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, catalog }) {
        scaffolder.addActions(
          ...createGcpActions({ config }),
          ...createClusterActions({ config }),
          ...createWorkspaceActions({ config, catalog }),
          ...createCatalogActions({ catalog }),
        );
      },
    });
  },
});
