/**
 * The Coder Platform permission policy: a permission backend module.
 *
 * @packageDocumentation
 */
export { permissionModuleCoderPlatformPolicy as default } from './module';
export { CoderPlatformPermissionPolicy, CORE_READ_PLUGINS } from './policy';
export {
  ADMIN_TEMPLATE_TAG,
  DEFAULT_USER_ACTIONS,
  PROVISIONING_ACTIONS,
  isProvisioningAction,
  readPolicyConfig,
} from './config';
export type { PolicyConfig } from './config';
