import { createGcpComputeAddressAction } from './gcpComputeAddress';
import { examples } from './gcpComputeAddress.examples';
import { describeExamples } from './__testUtils__/describeExamples';

describeExamples(
  'gcp:compute:address',
  createGcpComputeAddressAction,
  examples,
);
