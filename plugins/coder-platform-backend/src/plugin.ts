import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { coderPlatformPermissions } from '@coder-platform/plugin-coder-platform-common';
import { readClusters } from './config/readClusters';
import { createRouter } from './service/router';

/**
 * The Coder Platform backend plugin: serves `/api/coder-platform`, holds every
 * upstream credential and protects the upstreams from load.
 */
export const coderPlatformPlugin = createBackendPlugin({
  pluginId: 'coder-platform',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ config, httpAuth, httpRouter, permissions, permissionsRegistry }) {
        const clusters = readClusters(config);
        permissionsRegistry.addPermissions(coderPlatformPermissions);
        httpRouter.use(await createRouter({ httpAuth, permissions, clusters }));
      },
    });
  },
});
