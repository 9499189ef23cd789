export * from './CoderClient';
export * from './types';
