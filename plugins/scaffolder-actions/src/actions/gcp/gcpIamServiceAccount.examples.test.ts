import { createGcpIamServiceAccountAction } from './gcpIamServiceAccount';
import { examples } from './gcpIamServiceAccount.examples';
import { describeExamples } from './__testUtils__/harness';

describeExamples(
  'gcp:iam:service-account',
  createGcpIamServiceAccountAction,
  examples,
);
