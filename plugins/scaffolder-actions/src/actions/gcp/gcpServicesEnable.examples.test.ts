import {
  DEFAULT_SERVICES,
  createGcpServicesEnableAction,
} from './gcpServicesEnable';
import { examples } from './gcpServicesEnable.examples';
import { describeExamples } from './__testUtils__/describeExamples';

const enabled = (gcp: any) =>
  [...(gcp.grpc.enabledServices.get('projects/acme-coder') ?? [])].sort();

describeExamples(
  'gcp:services:enable',
  createGcpServicesEnableAction,
  examples,
  {
    'Enable the APIs a Coder development cluster needs (the default list)': {
      mutations: { 'serviceusage.BatchEnableServices': 1 },
      state: (gcp, outputs) => {
        expect(enabled(gcp)).toEqual([...DEFAULT_SERVICES].sort());
        expect(outputs.newlyEnabled).toEqual(DEFAULT_SERVICES);
      },
    },
    'Enable named APIs, e.g. for the monitoring stack (bare names get .googleapis.com)':
      {
        // compute, container and dns are on already: one batch of the other two.
        mutations: { 'serviceusage.BatchEnableServices': 1 },
        state: (gcp, outputs) => {
          expect(enabled(gcp)).toEqual(
            [
              ...DEFAULT_SERVICES,
              'logging.googleapis.com',
              'monitoring.googleapis.com',
            ].sort(),
          );
          expect(outputs.newlyEnabled).toEqual([
            'logging.googleapis.com',
            'monitoring.googleapis.com',
          ]);
        },
      },
  },
);
