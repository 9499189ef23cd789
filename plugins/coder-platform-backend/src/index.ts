/**
 * Backend plugin for the Coder Platform: `/api/coder-platform`.
 *
 * @packageDocumentation
 */
export { coderPlatformPlugin as default } from './plugin';
