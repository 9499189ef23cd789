import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
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
      },
      async init({ scaffolder, config }) {
        scaffolder.addActions(
          ...createGcpActions({ config }),
          ...createClusterActions({ config }),
          ...createWorkspaceActions(),
        );
      },
    });
  },
});
