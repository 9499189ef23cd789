import { createGcpServicesEnableAction } from './gcpServicesEnable';
import { examples } from './gcpServicesEnable.examples';
import { describeExamples } from './__testUtils__/describeExamples';

describeExamples(
  'gcp:services:enable',
  createGcpServicesEnableAction,
  examples,
);
