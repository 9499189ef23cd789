import { ConfigReader } from '@backstage/config';
import {
  GcpContractServer,
  RecordingPrefixProxy,
  requirePeer,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { randomBytes } from 'node:crypto';
import { createGcpActions } from './index';
import { createGcpStorageBucketAction } from './gcpStorageBucket';
import {
  actionOptions,
  mockContext,
  PROJECT,
  startGcp,
} from './__testUtils__/harness';

// See gcpDnsManagedZone.examples.test.ts.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

/**
 * A GCP API that accepts the call and never answers (the connection stays
 * open), one test per kind of client: gRPC (GKE ClusterManager), REST
 * through gax (Compute), the discovery client (IAM), @google-cloud/common
 * (Cloud DNS) on the contract servers, and Cloud Storage on the real GCS
 * emulator behind the fault proxy. Each attempt ends at
 * `coderPlatform.gcp.callTimeoutSeconds`, is retried by the one backoff
 * (`retry.maxAttempts` attempts), the step error names the API, the
 * operation and the budget, the client itself has closed every hung request
 * (its own timeout is set), and a re-run once the API answers completes
 * with each resource created once.
 */
jest.setTimeout(90_000);

const ATTEMPTS = 2;
const BUDGET = {
  callTimeoutSeconds: 1,
  retry: { maxAttempts: ATTEMPTS, initialDelayMs: 5, maxDelayMs: 10 },
};
/** Every attempt of the run hangs. */
const ALWAYS = 50;

const unique = (prefix: string) =>
  `${prefix}-${randomBytes(3).toString('hex')}`;

/** Waits (bounded) until `count()` is 0 and returns the last value. */
async function drained(count: () => number): Promise<number> {
  for (let i = 0; i < 200 && count() > 0; i++)
    await new Promise(resolve => setTimeout(resolve, 50));
  return count();
}

async function attempt(
  action: { handler: (ctx: any) => Promise<void> },
  input: Record<string, unknown>,
) {
  const run = mockContext(input);
  const error = await action.handler(run.ctx).then(
    () => undefined,
    (e: Error) => e,
  );
  return { ...run, error };
}

const timeoutMessage = (api: string, what: RegExp) =>
  new RegExp(
    `${what.source}.* in project ${PROJECT}: ${api.replace(
      /\./g,
      '\\.',
    )} did not answer within 1 s \\(coderPlatform\\.gcp\\.callTimeoutSeconds\\) on any attempt.*Run the task again`,
  );

describe('GCP actions when an API hangs (contract servers)', () => {
  let gcp: GcpContractServer;

  beforeAll(async () => {
    gcp = await startGcp(1);
  });
  afterAll(() => gcp?.stop());
  beforeEach(() => {
    gcp.calls.reset();
    gcp.calls.clearFaults();
  });

  const action = (id: string) =>
    createGcpActions(actionOptions(gcp, BUDGET)).find(a => a.id === id)!;

  type Case = {
    client: string;
    id: string;
    rpc: string;
    api: string;
    input: (name: string) => Record<string, unknown>;
    what: (name: string) => RegExp;
    /** The resource on the contract server after the re-run. */
    created: (name: string) => unknown;
    /** Calls the client sends per attempt (Cloud DNS re-sends an unanswered one). */
    exactAttempts: boolean;
  };
  const CASES: Case[] = [
    {
      client: 'gRPC (gax)',
      id: 'gcp:gke:cluster',
      rpc: 'container.CreateCluster',
      api: 'container.googleapis.com',
      input: name => ({ name }),
      what: name => new RegExp(`GKE cluster ${name}`),
      created: name =>
        gcp.grpc.clusters.get(
          `projects/${PROJECT}/locations/europe-west3-c/clusters/${name}`,
        )?.status,
      exactAttempts: true,
    },
    {
      client: 'REST (gax fallback)',
      id: 'gcp:compute:network',
      rpc: 'compute.networks.insert',
      api: 'compute.googleapis.com',
      input: name => ({ name }),
      what: name => new RegExp(`network ${name}`),
      created: name =>
        gcp.rest.compute.get(`projects/${PROJECT}/global/networks/${name}`)
          ?.name,
      exactAttempts: true,
    },
    {
      client: 'REST (googleapis discovery)',
      id: 'gcp:iam:service-account',
      rpc: 'iam.serviceAccounts.create',
      api: 'iam.googleapis.com',
      input: name => ({ accountId: name }),
      what: name => new RegExp(name),
      created: name =>
        gcp.rest.serviceAccounts.get(
          `projects/${PROJECT}/serviceAccounts/${name}@${PROJECT}.iam.gserviceaccount.com`,
        )?.account.email,
      exactAttempts: true,
    },
    {
      client: 'REST (@google-cloud/common)',
      id: 'gcp:dns:managed-zone',
      rpc: 'dns.managedZones.create',
      api: 'dns.googleapis.com',
      input: name => ({ name, dnsName: `${name}.example.com` }),
      what: name => new RegExp(`zone ${name}`),
      created: name => [...gcp.rest.zones.keys()].find(k => k.endsWith(name)),
      exactAttempts: false,
    },
  ];

  it.each(CASES.map(c => [c.client, c.id, c.rpc, c] as const))(
    '%s, %s, %s never answers: a step error naming the API, the operation and the budget after retry.maxAttempts attempts; the re-run creates it once',
    async (_client, id, rpc, c) => {
      const name = unique('hang');
      gcp.inject({ rpc, error: 'HANG', times: ALWAYS });
      const failed = await attempt(action(id), c.input(name));
      expect(failed.error?.message).toMatch(c.what(name));
      expect(failed.error!.message).toMatch(timeoutMessage(c.api, /Could not/));
      const sent = gcp.calls.count(rpc);
      expect(sent).toBeGreaterThanOrEqual(ATTEMPTS);
      // Exactly one request per attempt, except where the client re-sends.
      expect(c.exactAttempts ? sent : ATTEMPTS).toBe(ATTEMPTS);
      expect(failed.logs()).toMatch(new RegExp(`retry 1/${ATTEMPTS - 1}`, 'm'));
      // The client's own timeout closed every hung request: none is left open.
      expect(await drained(() => gcp.calls.hungCalls)).toBe(0);
      expect(c.created(name)).toBeUndefined();

      gcp.calls.clearFaults();
      gcp.calls.reset();
      const again = await attempt(action(id), c.input(name));
      expect(again.error).toBeUndefined();
      expect(gcp.calls.count(rpc)).toBe(1);
      expect(c.created(name)).toBeDefined();
    },
  );

  it.each(CASES.map(c => [c.client, c.id, c.rpc, c] as const))(
    '%s, %s, %s hangs once: the backoff retries it and the step completes',
    async (_client, id, rpc, c) => {
      const name = unique('hang1');
      gcp.inject({ rpc, error: 'HANG', times: 1 });
      const run = await attempt(action(id), c.input(name));
      expect(run.error).toBeUndefined();
      expect(run.logs()).toMatch(/no answer within 1 s|[Dd]eadline exceeded/);
      expect(c.created(name)).toBeDefined();
    },
  );

  // Reads, on every gRPC client (Resource Manager and Service Usage bring
  // their own copy of gax).
  it.each([
    ['gcp:gke:cluster', 'container.GetCluster', { name: unique('hangread') }],
    [
      'gcp:services:enable',
      'serviceusage.BatchGetServices',
      { services: ['dns'] },
    ],
    [
      'gcp:iam:service-account',
      'resourcemanager.GetIamPolicy',
      { accountId: unique('hangrole'), projectRoles: ['roles/dns.admin'] },
    ],
  ] as const)(
    '%s, the read %s never answers: the same step error, the client closed every hung call',
    async (id, rpc, input) => {
      gcp.inject({ rpc, error: 'HANG', times: ALWAYS });
      const failed = await attempt(action(id), input);
      expect(failed.error?.message).toMatch(
        /did not answer within 1 s \(coderPlatform\.gcp\.callTimeoutSeconds\) on any attempt.*Run the task again/,
      );
      expect(gcp.calls.count(rpc)).toBe(ATTEMPTS);
      expect(await drained(() => gcp.calls.hungCalls)).toBe(0);
    },
  );
});

describe('gcp:storage:bucket when the GCS emulator hangs (fault proxy)', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: PROJECT,
  });
  let proxy: RecordingPrefixProxy;
  let config: ConfigReader;

  beforeAll(async () => {
    // The JSON API lives under /storage/v1: the proxy takes `storage` as its
    // caller segment and puts it back in front of the path upstream.
    proxy = await RecordingPrefixProxy.start(`${PEERS_GCS_URL}/storage`);
    const url = new URL(proxy.urlFor('storage'));
    config = new ConfigReader({
      coderPlatform: {
        gcp: {
          projectId: PROJECT,
          endpoints: {
            storage: {
              apiEndpoint: url.hostname,
              port: Number(url.port),
              plaintext: true,
            },
          },
          ...BUDGET,
        },
      },
    });
  });
  afterAll(() => proxy?.stop());

  const input = (name: string) => ({
    name,
    location: 'us-central1',
    uniformBucketLevelAccess: false,
    publicAccessPrevention: 'inherited',
    lifecycleRules: [],
  });

  it('the bucket insert never answers: a step error naming the API and the budget; the re-run creates it once', async () => {
    const name = unique('coder-hang');
    proxy.fault(/^\/v1\/b\?/, 'hang', 'POST');
    const failed = await attempt(
      createGcpStorageBucketAction({ config }),
      input(name),
    );
    expect(failed.error?.message).toMatch(new RegExp(name));
    expect(failed.error!.message).toMatch(
      timeoutMessage('storage.googleapis.com', /Could not/),
    );
    expect(proxy.faulted('hang')).toHaveLength(ATTEMPTS);
    expect(await drained(() => proxy.inFlight)).toBe(0);
    const [exists] = await storage.bucket(name).exists();
    expect(exists).toBe(false);

    proxy.clearFaults();
    const before = proxy.requests.filter(r => r.method === 'POST').length;
    const again = await attempt(
      createGcpStorageBucketAction({ config }),
      input(name),
    );
    expect(again.error).toBeUndefined();
    expect(
      proxy.requests.filter(r => r.method === 'POST').length - before,
    ).toBe(1);
    const [metadata] = await storage.bucket(name).getMetadata();
    expect(metadata.versioning?.enabled).toBe(true);
    await storage.bucket(name).delete();
  });
});
