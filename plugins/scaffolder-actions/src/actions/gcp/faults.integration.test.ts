import { GcpContractServer } from '@coder-platform/testing';
import { randomBytes } from 'node:crypto';
import { createGcpComputeNetworkAction } from './gcpComputeNetwork';
import { createGcpGkeClusterAction } from './gcpGkeCluster';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

/**
 * The GCP actions with the contract servers failing mid-run: a mutation or
 * the wait on its operation answers UNAVAILABLE (HTTP 503) or drops the
 * connection on every attempt. The step fails with an error a platform
 * engineer can act on (names the API, the resource and what to do), no
 * secret leaks, and a re-run once the API is back completes without
 * creating anything twice (mutating calls counted on the servers).
 */
jest.setTimeout(60_000);

const FAULTS = [['UNAVAILABLE'], ['DROP']] as const;
/** Every retry attempt of the run fails (the harness allows 4). */
const ALWAYS = 50;

describe('GCP actions with the API failing mid-run', () => {
  let gcp: GcpContractServer;
  const unique = (prefix: string) =>
    `${prefix}-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    gcp = await startGcp();
  });
  afterAll(() => gcp.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
    gcp.pollsToComplete = 2;
  });

  /** Runs the handler, returning the step error (or undefined when it completed). */
  async function attempt(
    action: { handler: (ctx: any) => Promise<void> },
    input: Record<string, unknown>,
    checkpoints?: Map<string, unknown>,
  ) {
    const run = mockContext(input, { checkpoints });
    const error = await action.handler(run.ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    return { ...run, error };
  }

  /**
   * After the retries, a 503 or a dropped connection must say which API
   * failed, that it is transient, and what to do: the message of the step is
   * all a platform engineer sees in the task log.
   */
  describe('the step error once retries are exhausted', () => {
    it.each([
      ...FAULTS.map(([f]) => [
        'gcp:compute:network',
        f,
        'compute.subnetworks.insert',
        /compute\.googleapis\.com/,
      ]),
      ...FAULTS.map(([f]) => [
        'gcp:gke:cluster',
        f,
        'container.CreateCluster',
        /container\.googleapis\.com/,
      ]),
    ] as const)(
      '%s, %s on %s: names the API, says it is unavailable and to run the task again',
      async (id, fault, rpc, api) => {
        const name = unique('msg');
        gcp.inject({
          rpc,
          error: fault as (typeof FAULTS)[number][0],
          times: ALWAYS,
        });
        const failed =
          id === 'gcp:gke:cluster'
            ? await attempt(createGcpGkeClusterAction(actionOptions(gcp)), {
                name,
              })
            : await attempt(createGcpComputeNetworkAction(actionOptions(gcp)), {
                name,
              });
        expect(failed.error?.message).toMatch(new RegExp(name));
        expect(failed.error!.message).toMatch(api);
        expect(failed.error!.message).toMatch(/unavailable|unreachable/i);
        expect(failed.error!.message).toMatch(/run (it |the task )?again/i);
        expect(failed.error!.message).not.toMatch(/Unexpected Gaxios Error$/);
      },
    );
  });

  describe('gcp:compute:network', () => {
    const action = () => createGcpComputeNetworkAction(actionOptions(gcp));
    const res = (path: string) =>
      gcp.rest.compute.get(`projects/${PROJECT}/${path}`);
    const input = (name: string) => ({
      name,
      subnet: { name: `${name}-subnet`, ipCidrRange: '10.70.0.0/24' },
      firewallRules: [
        {
          name: `${name}-ssh`,
          protocol: 'tcp',
          ports: ['22'],
          sourceRanges: ['35.235.240.0/20'],
        },
      ],
    });

    it.each(FAULTS)(
      '%s on the subnet insert: a step error naming the subnet; the re-run creates only what is missing',
      async fault => {
        const name = unique('flt');
        gcp.inject({
          rpc: 'compute.subnetworks.insert',
          error: fault,
          times: ALWAYS,
        });
        const failed = await attempt(action(), input(name));
        expect(failed.error).toBeDefined();
        expect(failed.error!.message).toMatch(
          new RegExp(`Could not create subnet ${name}-subnet .*in project`),
        );
        expect(res(`global/networks/${name}`)).toBeDefined();
        expect(res(`regions/europe-west3/subnetworks/${name}-subnet`)).toBe(
          undefined,
        );

        gcp.calls.clearFaults();
        gcp.calls.reset();
        const again = await attempt(action(), input(name));
        expect(again.error).toBeUndefined();
        expect(gcp.calls.count('compute.networks.insert')).toBe(0);
        expect(gcp.calls.count('compute.subnetworks.insert')).toBe(1);
        expect(gcp.calls.count('compute.firewalls.insert')).toBe(1);
        expect(res(`regions/europe-west3/subnetworks/${name}-subnet`)).toEqual(
          expect.objectContaining({ ipCidrRange: '10.70.0.0/24' }),
        );

        gcp.calls.reset();
        const noop = await attempt(action(), input(name));
        expect(noop.error).toBeUndefined();
        expect(gcp.calls.mutations()).toEqual([]);
      },
    );

    it.each(FAULTS)(
      '%s while waiting on the network operation: the resumed task waits on the same operation, inserting nothing again',
      async fault => {
        const name = unique('fltop');
        const checkpoints = new Map<string, unknown>();
        gcp.inject({
          rpc: 'compute.globalOperations.get',
          error: fault,
          times: ALWAYS,
        });
        const failed = await attempt(action(), input(name), checkpoints);
        expect(failed.error?.message).toMatch(new RegExp(name));
        expect(gcp.calls.count('compute.networks.insert')).toBe(1);

        gcp.calls.clearFaults();
        gcp.calls.reset();
        const resumed = await attempt(action(), input(name), checkpoints);
        expect(resumed.error).toBeUndefined();
        expect(gcp.calls.count('compute.networks.insert')).toBe(0);
        expect(res(`global/networks/${name}`)).toBeDefined();
        expect(res(`global/firewalls/${name}-ssh`)).toBeDefined();
        gcp.calls.reset();
        expect((await attempt(action(), input(name))).error).toBeUndefined();
        expect(gcp.calls.mutations()).toEqual([]);
      },
    );
  });

  describe('gcp:gke:cluster', () => {
    const action = () => createGcpGkeClusterAction(actionOptions(gcp));
    const key = (name: string) =>
      `projects/${PROJECT}/locations/europe-west3-c/clusters/${name}`;

    it.each(FAULTS)(
      '%s on the create: a step error naming the cluster; the re-run creates it once',
      async fault => {
        const name = unique('flt-gke');
        gcp.inject({
          rpc: 'container.CreateCluster',
          error: fault,
          times: ALWAYS,
        });
        const failed = await attempt(action(), { name });
        expect(failed.error?.message).toMatch(
          new RegExp(`GKE cluster ${name}`),
        );
        expect(gcp.grpc.clusters.has(key(name))).toBe(false);

        gcp.calls.clearFaults();
        gcp.calls.reset();
        const again = await attempt(action(), { name });
        expect(again.error).toBeUndefined();
        expect(gcp.calls.count('container.CreateCluster')).toBe(1);
        expect(gcp.grpc.clusters.get(key(name))?.status).toBe('RUNNING');
      },
    );

    /** Creates a cluster whose create operation was never seen to finish. */
    async function interruptedCreate(
      fault: 'UNAVAILABLE' | 'DROP',
      checkpoints: Map<string, unknown>,
    ) {
      const name = unique('flt-gkeop');
      gcp.pollsToComplete = 3;
      gcp.inject({
        rpc: 'container.GetOperation',
        error: fault,
        times: ALWAYS,
      });
      const failed = await attempt(action(), { name }, checkpoints);
      expect(failed.error?.message).toMatch(new RegExp(name));
      expect(gcp.calls.count('container.CreateCluster')).toBe(1);
      expect(gcp.grpc.clusters.get(key(name))?.status).toBe('PROVISIONING');
      gcp.calls.clearFaults();
      gcp.calls.reset();
      return name;
    }

    it.each(FAULTS)(
      '%s while waiting on the create operation: neither the resumed task nor a fresh run creates it again',
      async fault => {
        const checkpoints = new Map<string, unknown>();
        const name = await interruptedCreate(fault, checkpoints);
        const resumed = await attempt(action(), { name }, checkpoints);
        expect(resumed.error).toBeUndefined();
        const fresh = await attempt(action(), { name });
        expect(fresh.error).toBeUndefined();
        expect(gcp.calls.count('container.CreateCluster')).toBe(0);
        expect(gcp.calls.count('container.CreateNodePool')).toBe(0);
        expect(
          [...gcp.grpc.clusters.keys()].filter(k => k === key(name)),
        ).toHaveLength(1);
      },
    );

    it.each(FAULTS)(
      '%s while waiting on the create operation: a re-run completes only once the cluster is RUNNING',
      async fault => {
        const name = await interruptedCreate(fault, new Map());
        // A fresh run (the task re-run from the start) finds the cluster
        // still PROVISIONING: it must wait on its operation before giving
        // the endpoint to the next steps.
        const fresh = await attempt(action(), { name });
        expect(fresh.error).toBeUndefined();
        expect(gcp.grpc.clusters.get(key(name))?.status).toBe('RUNNING');
        expect(gcp.calls.count('container.GetOperation')).toBeGreaterThan(0);
      },
    );
  });
});
