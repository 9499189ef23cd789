import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { coderPlatformPermissions } from '@coder-platform/plugin-coder-platform-common';
import { registerActions } from './actions/registerActions';
import { readClusters } from './config/readClusters';
import { CoderPlatformService } from './service/CoderPlatformService';
import { createRouter } from './service/router';
import { readSettings } from './service/settings';

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
        logger: coreServices.logger,
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        logger,
        cache,
        scheduler,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        actionsRegistry,
      }) {
        const clusters = readClusters(config);
        const settings = readSettings(config);
        const service = new CoderPlatformService({
          clusters,
          settings,
          cache,
          logger,
        });
        permissionsRegistry.addPermissions(coderPlatformPermissions);
        httpRouter.use(await createRouter({ httpAuth, permissions, service }));
        registerActions({ actionsRegistry, permissions, service });

        if (settings.refresh.enabled && clusters.length > 0) {
          await scheduler.scheduleTask({
            id: 'coder-platform:refresh-cluster-summaries',
            frequency: { minutes: settings.refresh.frequencyMinutes },
            timeout: { minutes: settings.refresh.timeoutMinutes },
            initialDelay: { seconds: 15 },
            fn: () => service.refreshAll(),
          });
        }
      },
    });
  },
});
