export { CoderPlatformPage } from './CoderPlatformPage';
