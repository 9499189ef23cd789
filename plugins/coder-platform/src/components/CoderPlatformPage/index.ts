export {
  CoderPlatformPage,
  LegacyCoderPlatformPage,
} from './CoderPlatformPage';
