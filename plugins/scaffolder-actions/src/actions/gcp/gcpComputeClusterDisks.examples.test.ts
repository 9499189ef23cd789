import { createGcpComputeClusterDisksAction } from './gcpComputeClusterDisks';
import { examples } from './gcpComputeClusterDisks.examples';
import { describeExamples } from './__testUtils__/describeExamples';

describeExamples(
  'gcp:compute:cluster-disks',
  createGcpComputeClusterDisksAction,
  examples,
  {
    'Delete the disks the GKE cluster dev-gke left behind, after the cluster is deleted (teardown)':
      {
        mutations: { 'compute.disks.delete': 1 },
        state: (gcp, outputs) => {
          expect(gcp.rest.disks.disks.size).toBe(0);
          expect(outputs).toMatchObject({
            deleted: ['zones/europe-west3-c/disks/pvc-1234'],
            deletedGb: 10,
            left: [],
          });
        },
      },
  },
  {
    before: async gcp => {
      gcp.rest.disks.addDisk('acme-coder', 'europe-west3-c', {
        name: 'pvc-1234',
        labels: {
          'goog-k8s-cluster-name': 'dev-gke',
          'goog-k8s-cluster-location': 'europe-west3-c',
        },
      });
    },
  },
);
