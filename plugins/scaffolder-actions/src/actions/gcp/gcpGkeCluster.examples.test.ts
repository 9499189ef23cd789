import { createGcpGkeClusterAction } from './gcpGkeCluster';
import { examples } from './gcpGkeCluster.examples';
import { describeExamples } from './__testUtils__/describeExamples';

const DEV = 'projects/acme-coder/locations/europe-west3-c/clusters/dev-gke';
const PROD = 'projects/acme-coder/locations/europe-west3/clusters/prod-gke';
const pools = (cluster: any) =>
  cluster.nodePools.map((p: any) => [
    p.name,
    p.config.machineType,
    !!p.config.spot,
  ]);

describeExamples('gcp:gke:cluster', createGcpGkeClusterAction, examples, {
  'Zonal cluster with the seed defaults (base, workspace-spot and workspace node pools, REGULAR channel, 1.33.)':
    {
      mutations: { 'container.CreateCluster': 1 },
      state: (gcp, outputs) => {
        const cluster = gcp.grpc.clusters.get(DEV)!;
        expect(cluster).toMatchObject({
          status: 'RUNNING',
          releaseChannel: { channel: 'REGULAR' },
          initialClusterVersion: expect.stringMatching(/^1\.33\./),
        });
        expect(pools(cluster)).toEqual([
          ['base', 'e2-medium', false],
          ['workspace-spot', 't2d-standard-2', true],
          ['workspace', 't2d-standard-2', false],
        ]);
        expect(outputs).toMatchObject({
          resourceName: DEV,
          endpoint: cluster.endpoint,
          clusterCaCertificate: cluster.masterAuth.clusterCaCertificate,
        });
      },
    },
  'Regional cluster with explicit node pools': {
    mutations: { 'container.CreateCluster': 1 },
    state: (gcp, outputs) => {
      const cluster = gcp.grpc.clusters.get(PROD)!;
      expect(cluster).toMatchObject({
        network: 'prod-vpc',
        subnetwork: 'prod-subnet',
        releaseChannel: { channel: 'STABLE' },
        initialClusterVersion: expect.stringMatching(/^1\.32\./),
      });
      expect(pools(cluster)).toEqual([
        ['base', 'e2-standard-4', false],
        ['workspace-spot', 't2d-standard-4', true],
      ]);
      expect(cluster.nodePools[1].config.taints).toEqual([
        expect.objectContaining({
          key: 'coder-development-cluster/workspace',
          value: 'true',
        }),
      ]);
      expect(outputs.resourceName).toBe(PROD);
    },
  },
  'Delete the cluster (teardown)': {
    mutations: { 'container.DeleteCluster': 1 },
    state: gcp => {
      expect(gcp.grpc.clusters.has(DEV)).toBe(false);
      expect(gcp.grpc.clusters.has(PROD)).toBe(true);
    },
  },
});
