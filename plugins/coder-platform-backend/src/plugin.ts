import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { coderPlatformPermissions } from '@coder-platform/plugin-coder-platform-common';
import {
  ClusterModel,
  googleAuthServiceRef,
  readDiscoverySettings,
} from '@coder-platform/plugin-coder-platform-node';
import { registerActions } from './actions/registerActions';
import { readClusters } from './config/readClusters';
import {
  CatalogClusterReader,
  ClusterDiscovery,
  discoverOnDemand,
} from './discovery';
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
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        googleAuth: googleAuthServiceRef,
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
        discovery,
        auth,
        googleAuth,
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

        // Clusters discovered from the catalog's coder-cluster Resources.
        const discoverySettings = readDiscoverySettings(config);
        const model = ClusterModel.fromConfig(config, {
          authClient: googleAuth.authClient,
        });
        const discoveryOn =
          discoverySettings.enabled &&
          model.settings.gke.allowedProjects.length > 0;
        if (discoverySettings.enabled && !discoveryOn) {
          logger.info(
            'cluster discovery from the catalog is off: coderPlatform.gke.allowedProjects is empty',
          );
        }
        if (discoveryOn) {
          const clusterDiscovery = new ClusterDiscovery({
            source: new CatalogClusterReader({ discovery, auth }),
            model,
            settings: discoverySettings,
            logger,
            configuredNames: () => clusters.map(c => c.name),
            apply: discovered => service.setDiscoveredClusters(discovered),
          });
          httpRouter.use(
            discoverOnDemand(
              name => service.clusters.some(c => c.name === name),
              clusterDiscovery,
            ),
          );
          // Every replica keeps its own discovered clusters in memory: local scope.
          await scheduler.scheduleTask({
            id: 'coder-platform:discover-clusters',
            scope: 'local',
            frequency: { seconds: discoverySettings.frequencySeconds },
            timeout: { minutes: 2 },
            initialDelay: { seconds: 5 },
            fn: () => clusterDiscovery.refresh(),
          });
        }
        httpRouter.use(await createRouter({ httpAuth, permissions, service }));
        registerActions({ actionsRegistry, permissions, service });

        if (settings.refresh.enabled && (clusters.length > 0 || discoveryOn)) {
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
