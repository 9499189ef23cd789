/**
 * Scaffolder actions that provision a Coder development cluster.
 *
 * @packageDocumentation
 */
export { scaffolderModuleCoderPlatform as default } from './module';
export * from './actions/gcp';
export * from './actions/cluster';
export * from './actions/workspace';
export * from './actions/catalog';
