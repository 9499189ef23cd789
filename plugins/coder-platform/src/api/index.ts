export * from './CoderPlatformApi';
export * from './CoderPlatformClient';
