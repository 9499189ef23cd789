import { createGcpIamServiceAccountAction } from './gcpIamServiceAccount';
import { examples } from './gcpIamServiceAccount.examples';
import { describeExamples } from './__testUtils__/describeExamples';

describeExamples(
  'gcp:iam:service-account',
  createGcpIamServiceAccountAction,
  examples,
);
