import { createGcpGkeClusterAction } from './gcpGkeCluster';
import { examples } from './gcpGkeCluster.examples';
import { describeExamples } from './__testUtils__/describeExamples';

describeExamples('gcp:gke:cluster', createGcpGkeClusterAction, examples);
