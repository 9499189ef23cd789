export * from './types';
export * from './readDiscoverySettings';
export * from './parseClusterEntity';
export * from './toClusterConfig';
export * from './googleAuthService';
