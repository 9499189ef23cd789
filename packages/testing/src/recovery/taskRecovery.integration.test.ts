/*
 * Task recovery of the long templates: a real scaffolder backend process on
 * the PostgreSQL peer runs gcp-project-bootstrap against the GCP contract
 * servers, is SIGKILLed while a step's mutation is in flight (the contract
 * server applies it, the answer never arrives), and a new process on the
 * same database recovers the task (scaffolder.taskRecovery, the template's
 * EXPERIMENTAL_recovery startOver): completed steps are skipped, the step in
 * flight runs again, and no mutating call is made twice.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TEMPLATES_DIR } from '../templates/__testUtils__/suiteTemplates';
import {
  RECOVERY_PROJECT,
  RecoveryBackends,
  stepsRun,
  stepsSkippedAsCompleted,
} from './recoveryHarness';

jest.setTimeout(600_000);

const TEMPLATE = 'template:default/gcp-project-bootstrap';
/** The mutation the backend dies in: the automation account's project roles. */
const KILL_AT = 'resourcemanager.SetIamPolicy';

/** The GCS emulator keeps buckets between runs: names unique per run. */
const RUN = randomBytes(3).toString('hex');
const bucket = (suffix: string) => `coder-storage-${suffix}-${RUN}`;

const values = (suffix: string, projectId = RECOVERY_PROJECT) => ({
  projectId,
  region: 'europe-west3',
  domainName: `${suffix}.spaces.example.com`,
  managedZone: `${suffix}-spaces-example-com`,
  bucketName: bucket(suffix),
  automationAccount: `${suffix}-automation`,
  dnsAccount: `${suffix}-dns`,
  storageAccount: `${suffix}-storage`,
});

/** Mutating RPCs and how often each was called. */
function mutationCounts(backends: RecoveryBackends): Record<string, number> {
  const all = backends.gcp.calls.byRpc();
  return Object.fromEntries(
    backends.gcp.calls.mutations().map(rpc => [rpc, all[rpc]]),
  );
}

describe('scaffolder task recovery after a backend restart', () => {
  const backends = new RecoveryBackends({
    templateFiles: [
      path.join(TEMPLATES_DIR, 'gcp-project-bootstrap/template.yaml'),
    ],
    staleTimeoutSeconds: 3,
  });

  beforeAll(async () => {
    await backends.startContractServers();
    // Buckets are created on the GCS emulator; their IAM policies live on
    // the contract server, which answers them for buckets it knows.
    backends.gcp.rest.storage.addBucket(bucket('ref'));
    backends.gcp.rest.storage.addBucket(bucket('rec'));
    // The template enables IAM Credentials too (a real API the contract
    // server's list of services lacks).
    backends.gcp.grpc.knownServices.add('iamcredentials.googleapis.com');
    await backends.startBackend();
  });

  afterAll(async () => {
    await backends.stop();
  });

  it('resumes gcp-project-bootstrap killed mid-step and completes it with every mutation made once', async () => {
    // An uninterrupted run (its own project) gives the mutations one run makes.
    const referenceId = await backends.createTask(
      TEMPLATE,
      values('ref', 'acme-reference'),
    );
    await backends.waitForEnd(referenceId);
    expect(await backends.outcome(referenceId)).toEqual({
      status: 'completed',
    });
    const oneRun = mutationCounts(backends);
    expect(oneRun).toEqual(expect.objectContaining({ [KILL_AT]: 1 }));

    // The interrupted run: SIGKILL when the project policy write arrives
    // (the write is applied; the backend never hears back).
    backends.gcp.calls.reset();
    const first = backends.current!;
    const died = new Promise(done => first.process.once('exit', done));
    const enter = backends.gcp.calls.enter.bind(backends.gcp.calls);
    let killed = false;
    backends.gcp.calls.enter = (rpc: string) => {
      if (rpc === KILL_AT && !killed) {
        killed = true;
        first.process.kill('SIGKILL');
      }
      enter(rpc);
    };
    const taskId = await backends.createTask(TEMPLATE, values('rec'));
    await died;
    const atKill = mutationCounts(backends);

    // A new process on the same database recovers the task once its
    // heartbeat is older than staleTimeout.
    await backends.startBackend();
    const task = await backends.waitForEnd(taskId);
    expect(await backends.outcome(taskId)).toEqual({ status: 'completed' });

    const events = await backends.events(taskId);
    // The scaffolder answers the events since the recovery (startOver).
    expect(events[0]).toMatchObject({
      type: 'recovered',
      body: { recoverStrategy: 'startOver' },
    });
    expect(stepsSkippedAsCompleted(events)).toEqual(['apis', 'bucket', 'zone']);
    const rerun = stepsRun(events);
    expect(rerun[0]).toBe('automation');

    // Calls made twice: none. The resumed task made exactly the mutations
    // of one uninterrupted run.
    const resumed = mutationCounts(backends);
    const figures = {
      mutationsBeforeKill: atKill,
      mutationsTotal: resumed,
      stepsSkipped: stepsSkippedAsCompleted(events),
      stepsRun: rerun,
      allCalls: backends.gcp.calls.byRpc(),
    };
    // eslint-disable-next-line no-console
    console.log(`resumed run: ${JSON.stringify(figures, null, 2)}`);
    expect(resumed).toEqual(oneRun);

    // Each resource exists once, bound once.
    const accounts = [...backends.gcp.rest.serviceAccounts.keys()].filter(k =>
      k.startsWith(`projects/${RECOVERY_PROJECT}/serviceAccounts/rec-`),
    );
    expect(accounts.sort()).toEqual(
      ['rec-automation', 'rec-dns', 'rec-storage'].map(
        a =>
          `projects/${RECOVERY_PROJECT}/serviceAccounts/${a}@${RECOVERY_PROJECT}.iam.gserviceaccount.com`,
      ),
    );
    expect(
      [...backends.gcp.rest.zones.keys()].filter(
        k =>
          k ===
          `projects/${RECOVERY_PROJECT}/managedZones/rec-spaces-example-com`,
      ),
    ).toHaveLength(1);
    const member = `serviceAccount:rec-automation@${RECOVERY_PROJECT}.iam.gserviceaccount.com`;
    const policy = backends.gcp.grpc.policies.get(
      `projects/${RECOVERY_PROJECT}`,
    );
    for (const role of [
      'roles/compute.networkAdmin',
      'roles/compute.securityAdmin',
      'roles/container.admin',
    ]) {
      const bindings = policy!.bindings.filter(b => b.role === role);
      expect(bindings).toHaveLength(1);
      expect(bindings[0].members.filter(m => m === member)).toHaveLength(1);
    }
  });
});
