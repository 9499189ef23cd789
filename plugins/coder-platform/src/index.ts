/**
 * Frontend plugin for the Coder Platform.
 *
 * @packageDocumentation
 */
export { coderPlatformPlugin as default } from './plugin';
export * from './api';
export { ClustersTable } from './components/ClustersTable';
export { EntityClusterCard } from './components/EntityClusterCard';
export { CoderPlatformPage } from './components/CoderPlatformPage';
