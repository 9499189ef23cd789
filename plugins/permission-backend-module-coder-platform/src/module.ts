import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readPolicyConfig } from './config';
import { CoderPlatformPermissionPolicy } from './policy';

/**
 * Installs the Coder Platform permission policy in the permission backend,
 * configured from `coderPlatform.permissions`.
 */
export const permissionModuleCoderPlatformPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'coder-platform-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        userInfo: coreServices.userInfo,
        policy: policyExtensionPoint,
      },
      async init({ config, logger, userInfo, policy }) {
        const policyConfig = readPolicyConfig(config);
        if (
          policyConfig.adminGroups.length === 0 &&
          policyConfig.adminUsers.length === 0
        ) {
          logger.warn(
            'No platform admins configured (coderPlatform.permissions.adminGroups and adminUsers are empty): nobody can read Keycloak users, see admin templates or run provisioning actions',
          );
        } else {
          logger.info(
            `Platform admins: groups [${policyConfig.adminGroups.join(
              ', ',
            )}], users [${policyConfig.adminUsers.join(', ')}]`,
          );
        }
        policy.setPolicy(
          new CoderPlatformPermissionPolicy(policyConfig, userInfo),
        );
      },
    });
  },
});
