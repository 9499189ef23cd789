import {
  GcpContractServer,
  permissionDeniedError,
} from '@coder-platform/testing';
import { createGcpGkeClusterAction } from './gcpGkeCluster';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// The official clients load their (large) protos when created; allow for it.
jest.setTimeout(30_000);
describe('gcp:gke:cluster', () => {
  let gcp: GcpContractServer;
  let action: ReturnType<typeof createGcpGkeClusterAction>;
  const key = (name: string, location = 'europe-west3-c') =>
    `projects/${PROJECT}/locations/${location}/clusters/${name}`;

  beforeAll(async () => {
    gcp = await startGcp();
    action = createGcpGkeClusterAction(actionOptions(gcp));
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.disabledApis.clear();
    gcp.pollsToComplete = 2;
  });

  it('creates a zonal cluster with the seed node pools and outputs endpoint and CA', async () => {
    const { ctx, outputs, logs } = mockContext({ name: 'dev-gke' });
    await action.handler(ctx);
    const cluster = gcp.grpc.clusters.get(key('dev-gke'))!;
    expect(cluster.status).toBe('RUNNING');
    expect(cluster.initialClusterVersion).toBe('1.33.5-gke.1200');
    expect(cluster.releaseChannel).toEqual({ channel: 'REGULAR' });
    expect(cluster.networkPolicy).toEqual({
      enabled: true,
      provider: 'CALICO',
    });
    expect(cluster.workloadIdentityConfig).toEqual({
      workloadPool: `${PROJECT}.svc.id.goog`,
    });
    expect(cluster.network).toBe('dev-vpc');
    expect(outputs().resourceName).toBe(key('dev-gke'));
    expect(
      cluster.nodePools.map((p: any) => [
        p.name,
        p.config.machineType,
        !!p.config.spot,
        p.autoscaling.minNodeCount,
        p.autoscaling.maxNodeCount,
      ]),
    ).toEqual([
      ['base', 'e2-medium', false, 3, 6],
      ['workspace-spot', 't2d-standard-2', true, 0, 10],
      ['workspace', 't2d-standard-2', false, 0, 10],
    ]);
    const spot = cluster.nodePools[1].config;
    expect(spot.taints).toEqual([
      {
        key: 'coder-development-cluster/workspace',
        value: 'true',
        effect: 'NO_SCHEDULE',
      },
    ]);
    expect(spot.labels).toEqual({
      'coder-development-cluster/env': 'dev',
      'coder-development-cluster/workspace': 'true',
    });
    expect(spot.diskSizeGb).toBe(50);
    expect(spot.tags).toEqual(['gke-node', 'dev-gke']);
    expect(outputs()).toMatchObject({
      projectId: PROJECT,
      name: 'dev-gke',
      endpoint: expect.stringMatching(/^10\./),
      clusterCaCertificate: expect.any(String),
      currentMasterVersion: '1.33.5-gke.1200',
      kubeconfigContext: `gke_${PROJECT}_europe-west3-c_dev-gke`,
      changed: true,
    });
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: `gcp:gke:cluster:${key('dev-gke')}:create`,
      }),
    );
    expect(logs()).toMatch(
      /create GKE cluster dev-gke \(europe-west3-c\): done/,
    );
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext({ name: 'dev-gke' });
    await action.handler(ctx);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(logs()).toMatch(/nothing to do/);
    expect(outputs().changed).toBe(false);
    expect(outputs().endpoint).toMatch(/^10\./);
  });

  it('updates drift: autoscaling, labels, release channel', async () => {
    const cluster = gcp.grpc.clusters.get(key('dev-gke'))!;
    cluster.nodePools[1].autoscaling.maxNodeCount = 4;
    cluster.nodePools[0].config.labels = {};
    cluster.releaseChannel = { channel: 'STABLE' };
    const { ctx, logs } = mockContext({ name: 'dev-gke' });
    await action.handler(ctx);
    expect(logs()).toMatch(
      /update fields releaseChannel, nodePools.base.\{labels\}, nodePools.workspace-spot.autoscaling/,
    );
    expect(gcp.calls.mutations().sort()).toEqual([
      'container.SetNodePoolAutoscaling',
      'container.UpdateCluster',
      'container.UpdateNodePool',
    ]);
    expect(cluster.nodePools[1].autoscaling.maxNodeCount).toBe(10);
    expect(cluster.nodePools[0].config.labels).toEqual({ env: 'dev' });
    expect(cluster.releaseChannel).toEqual({ channel: 'REGULAR' });
  });

  it('dry run reads but writes nothing and logs the plan', async () => {
    const { ctx, logs, outputs } = mockContext(
      { name: 'preview-gke' },
      { dryRun: true },
    );
    await action.handler(ctx);
    // What later steps chain is there in a dry run too.
    expect(outputs()).toMatchObject({
      resourceName: key('preview-gke'),
      workloadPool: `${PROJECT}.svc.id.goog`,
      changed: false,
    });
    expect(gcp.grpc.clusters.has(key('preview-gke'))).toBe(false);
    expect(gcp.calls.mutations()).toEqual([]);
    expect(logs()).toMatch(
      /\[dry run\] GKE cluster preview-gke \(europe-west3-c\): create/,
    );
  });

  it.each([
    [{ name: 'Bad_Name' }, /name: must start with a lowercase letter/],
    [{ name: 'x-gke', location: 'mars' }, /location: must be a region/],
    [
      {
        name: 'x-gke',
        nodePools: [
          {
            name: 'base',
            machineType: 'e2-medium',
            minNodeCount: 3,
            maxNodeCount: 1,
          },
        ],
      },
      /nodePools\.0\.maxNodeCount: must be at least minNodeCount/,
    ],
    [
      { name: 'x-gke', versionPrefix: '1.99.' },
      /versionPrefix: no GKE version starting with '1.99.'/,
    ],
  ])('rejects bad input %j naming the field', async (input, message) => {
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(gcp.calls.mutations()).toEqual([]);
  });

  it('refuses to change immutable fields in place', async () => {
    const { ctx } = mockContext({ name: 'dev-gke', network: 'other-vpc' });
    await expect(action.handler(ctx)).rejects.toThrow(
      /network: .* cannot be changed in place/,
    );
  });

  it('explains a disabled API', async () => {
    gcp.disabledApis.add('container.googleapis.com');
    const { ctx } = mockContext({ name: 'new-gke' });
    await expect(action.handler(ctx)).rejects.toThrow(
      /API container.googleapis.com is not enabled.*gcp:services:enable/,
    );
  });

  it('names the missing permission and role', async () => {
    gcp.inject({
      rpc: 'container.CreateCluster',
      error: permissionDeniedError(
        'container.clusters.create',
        `projects/${PROJECT}`,
      ),
    });
    const { ctx } = mockContext({ name: 'new-gke' });
    await expect(action.handler(ctx)).rejects.toThrow(
      /lack the permission 'container.clusters.create' \(granted by roles\/container.admin\)/,
    );
  });

  it('retries transient UNAVAILABLE errors', async () => {
    gcp.inject({ rpc: 'container.GetCluster', error: 'UNAVAILABLE', times: 2 });
    gcp.inject({
      rpc: 'container.CreateCluster',
      error: 'UNAVAILABLE',
      times: 1,
    });
    const { ctx, logs } = mockContext({ name: 'flaky-gke' });
    await action.handler(ctx);
    expect(gcp.grpc.clusters.get(key('flaky-gke'))?.status).toBe('RUNNING');
    expect(gcp.calls.count('container.CreateCluster')).toBe(2);
    expect(logs()).toMatch(/transient error/);
  });

  it('stops waiting when the task is aborted', async () => {
    gcp.pollsToComplete = 1_000_000;
    const { ctx } = mockContext(
      { name: 'slow-gke' },
      { abortWhenLogged: /still running/ },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
    expect(gcp.calls.count('container.GetOperation')).toBeGreaterThan(0);
  });

  it('deletes with state: absent, then says it is already absent', async () => {
    const first = mockContext({ name: 'flaky-gke', state: 'absent' });
    await action.handler(first.ctx);
    expect(gcp.grpc.clusters.has(key('flaky-gke'))).toBe(false);
    expect(first.outputs().changed).toBe(true);
    const second = mockContext({ name: 'flaky-gke', state: 'absent' });
    await action.handler(second.ctx);
    expect(second.logs()).toMatch(/already absent/);
    expect(second.outputs().changed).toBe(false);
  });
});
