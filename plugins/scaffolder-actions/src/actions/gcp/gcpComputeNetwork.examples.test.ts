import { createGcpComputeNetworkAction } from './gcpComputeNetwork';
import { examples } from './gcpComputeNetwork.examples';
import { describeExamples } from './__testUtils__/describeExamples';

describeExamples(
  'gcp:compute:network',
  createGcpComputeNetworkAction,
  examples,
);
