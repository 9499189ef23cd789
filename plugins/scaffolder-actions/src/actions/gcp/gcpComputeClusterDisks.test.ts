import { GcpContractServer } from '@coder-platform/testing';
import { createGcpComputeClusterDisksAction } from './gcpComputeClusterDisks';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);

const GKE = 'dev-gke';
const ZONE = 'europe-west3-c';
const input = { clusterName: GKE, location: ZONE };
const pvLabels = (cluster = GKE, location = ZONE) => ({
  'goog-k8s-cluster-name': cluster,
  'goog-k8s-cluster-location': location,
  'goog-gke-volume': '',
});
const diskKey = (zone: string, name: string) =>
  `projects/${PROJECT}/zones/${zone}/disks/${name}`;

describe('gcp:compute:cluster-disks', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpComputeClusterDisksAction>;

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpComputeClusterDisksAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.rest.disks.disks.clear();
    gcp.grpc.clusters.clear();
    gcp.calls.reset();
    gcp.calls.clearFaults();
    const { disks } = gcp.rest;
    // Two PV disks of the cluster in its zone and one in another zone (a
    // regional PD replica zone), one still attached, one of a namesake
    // cluster elsewhere, one of another cluster, one without labels.
    disks.addDisk(PROJECT, ZONE, {
      name: 'pvc-home-alice',
      labels: pvLabels(),
      sizeGb: '50',
    });
    disks.addDisk(PROJECT, ZONE, {
      name: 'pvc-postgres',
      labels: pvLabels(),
      sizeGb: '5',
    });
    disks.addDisk(PROJECT, 'europe-west3-a', {
      name: 'pvc-home-bob',
      labels: pvLabels(),
      sizeGb: '10',
    });
    disks.addDisk(PROJECT, ZONE, {
      name: 'pvc-attached',
      labels: pvLabels(),
      users: [
        `https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/${ZONE}/instances/debug-vm`,
      ],
    });
    disks.addDisk(PROJECT, 'us-central1-f', {
      name: 'pvc-namesake',
      labels: pvLabels(GKE, 'us-central1-f'),
    });
    disks.addDisk(PROJECT, ZONE, {
      name: 'pvc-other-cluster',
      labels: pvLabels('prod-gke'),
    });
    disks.addDisk(PROJECT, ZONE, { name: 'hand-made' });
  });

  it('deletes the unattached disks of the cluster in every zone, waits for each, and reports what it left', async () => {
    const { ctx, outputs, logs } = mockContext(input);
    await action.handler(ctx);
    expect(outputs()).toEqual({
      projectId: PROJECT,
      deleted: [
        'zones/europe-west3-a/disks/pvc-home-bob',
        'zones/europe-west3-c/disks/pvc-home-alice',
        'zones/europe-west3-c/disks/pvc-postgres',
      ],
      deletedGb: 65,
      left: [
        `zones/europe-west3-c/disks/pvc-attached (attached to projects/${PROJECT}/zones/${ZONE}/instances/debug-vm)`,
        'zones/us-central1-f/disks/pvc-namesake (labelled goog-k8s-cluster-location=us-central1-f: a cluster dev-gke there, not in europe-west3-c)',
      ],
      changed: true,
    });
    expect([...gcp.rest.disks.disks.keys()].sort()).toEqual(
      [
        diskKey(ZONE, 'hand-made'),
        diskKey(ZONE, 'pvc-attached'),
        diskKey(ZONE, 'pvc-other-cluster'),
        diskKey('us-central1-f', 'pvc-namesake'),
      ].sort(),
    );
    expect(gcp.calls.byRpc()).toEqual({
      'compute.disks.aggregatedList': 1,
      'compute.disks.delete': 3,
      // pollsToComplete 2: two polls per operation
      'compute.zoneOperations.get': 6,
      'container.GetCluster': 1,
    });
    expect(logs()).toMatch(
      /disk left: zones\/europe-west3-c\/disks\/pvc-attached/,
    );
  });

  it('re-run deletes nothing and says so', async () => {
    await action.handler(mockContext(input).ctx);
    gcp.calls.reset();
    const { ctx, outputs } = mockContext(input);
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(outputs()).toMatchObject({
      deleted: [],
      deletedGb: 0,
      changed: false,
    });
    expect((outputs().left as string[]).length).toBe(2);
  });

  it('says nothing to do when the cluster left no disks', async () => {
    const { ctx, outputs, logs } = mockContext({
      clusterName: 'empty-gke',
      location: ZONE,
    });
    await action.handler(ctx);
    expect(outputs()).toMatchObject({ deleted: [], left: [], changed: false });
    expect(logs()).toMatch(
      /disks of cluster empty-gke: nothing to do \(already absent\)/,
    );
  });

  it('dry run lists what it would delete and deletes nothing, also while the cluster still exists', async () => {
    gcp.grpc.clusters.set(
      `projects/${PROJECT}/locations/${ZONE}/clusters/${GKE}`,
      { name: GKE, status: 'RUNNING' },
    );
    const { ctx, outputs, logs } = mockContext(input, { dryRun: true });
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(gcp.rest.disks.disks.size).toBe(7);
    expect(outputs()).toMatchObject({
      deleted: [
        'zones/europe-west3-a/disks/pvc-home-bob',
        'zones/europe-west3-c/disks/pvc-home-alice',
        'zones/europe-west3-c/disks/pvc-postgres',
      ],
      changed: false,
    });
    expect(logs()).toMatch(
      /\[dry run\] disk zones\/europe-west3-c\/disks\/pvc-home-alice \(50 GB\): delete/,
    );
    expect(logs()).toMatch(/exists now; once it is deleted/);
  });

  it('refuses while the cluster exists', async () => {
    gcp.grpc.clusters.set(
      `projects/${PROJECT}/locations/${ZONE}/clusters/${GKE}`,
      { name: GKE, status: 'RUNNING' },
    );
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(
      /cluster projects\/acme-coder\/locations\/europe-west3-c\/clusters\/dev-gke still exists \(status RUNNING\); its disks may still back PersistentVolumes\. Delete the cluster first/,
    );
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('retries a transient list failure and a 503 on delete with the one backoff', async () => {
    gcp.inject({ rpc: 'compute.disks.aggregatedList', error: 'UNAVAILABLE' });
    gcp.inject({ rpc: 'compute.disks.delete', error: 'UNAVAILABLE' });
    const { ctx, outputs, logs } = mockContext(input);
    await action.handler(ctx);
    expect((outputs().deleted as string[]).length).toBe(3);
    expect(gcp.calls.count('compute.disks.aggregatedList')).toBe(2);
    expect(gcp.calls.count('compute.disks.delete')).toBe(4);
    expect(logs()).toMatch(/transient error/);
  });

  it('a resumed task waits on the checkpointed operation instead of deleting again', async () => {
    const checkpoints = new Map<string, unknown>();
    await action.handler(mockContext(input, { checkpoints }).ctx);
    expect([...checkpoints.keys()].sort()).toEqual([
      'gcp:compute:cluster-disks:projects/acme-coder/zones/europe-west3-a/disks/pvc-home-bob:delete',
      'gcp:compute:cluster-disks:projects/acme-coder/zones/europe-west3-c/disks/pvc-home-alice:delete',
      'gcp:compute:cluster-disks:projects/acme-coder/zones/europe-west3-c/disks/pvc-postgres:delete',
    ]);
  });

  it.each([
    [{ location: ZONE }, /clusterName/],
    [
      { clusterName: 'Dev_GKE', location: ZONE },
      /clusterName: must start with a lowercase letter/,
    ],
    [
      { clusterName: GKE, location: 'mars' },
      /location: must be a zone such as europe-west3-c/,
    ],
  ])('names the bad field of %j', async (bad, message) => {
    await expect(action.handler(mockContext(bad).ctx)).rejects.toThrow(message);
    expect(gcp.calls.byRpc()).toEqual({});
  });
});
