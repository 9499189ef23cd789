import { createGcpGkeClusterAction } from './gcpGkeCluster';
import { examples } from './gcpGkeCluster.examples';
import { describeExamples } from './__testUtils__/harness';

describeExamples('gcp:gke:cluster', createGcpGkeClusterAction, examples);
