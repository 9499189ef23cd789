/**
 * Types, permissions and entity annotations shared by the Coder Platform
 * frontend plugin, backend plugin and scaffolder actions.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './backups';
export * from './keycloak';
export * from './releases';
export * from './coder';
