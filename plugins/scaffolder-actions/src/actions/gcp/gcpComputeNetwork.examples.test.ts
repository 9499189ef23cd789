import { createGcpComputeNetworkAction } from './gcpComputeNetwork';
import { examples } from './gcpComputeNetwork.examples';
import { describeExamples } from './__testUtils__/harness';

describeExamples(
  'gcp:compute:network',
  createGcpComputeNetworkAction,
  examples,
);
