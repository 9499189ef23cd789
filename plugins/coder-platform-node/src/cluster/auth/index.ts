export * from './types';
export * from './TokenAuthStrategy';
export * from './GoogleAuthStrategy';
export * from './KubeconfigFileAuthStrategy';
