/**
 * Backend plugin for the Coder Platform: `/api/coder-platform`.
 *
 * @packageDocumentation
 */
export { coderPlatformPlugin as default } from './plugin';
/** Install a factory for this ref to give the plugin another Google identity than ADC. */
export {
  googleAuthServiceRef,
  type GoogleAuthService,
} from '@coder-platform/plugin-coder-platform-node';
