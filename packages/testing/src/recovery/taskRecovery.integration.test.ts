/*
 * Task recovery of the long templates: a real scaffolder backend process on
 * the PostgreSQL peer runs gcp-project-bootstrap against the GCP contract
 * servers (buckets on the GCS emulator peer), is SIGKILLed while a step's
 * call is in flight (the contract server serves it, the answer never
 * arrives), and a new process on the same database recovers the task
 * (scaffolder.taskRecovery, the template's EXPERIMENTAL_recovery startOver):
 * completed steps are skipped, the step in flight runs again, and no
 * mutating call is made twice.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TEMPLATES_DIR } from '../templates/__testUtils__/suiteTemplates';
import {
  RECOVERY_PROJECT,
  RecoveryBackends,
  stepsRun,
  stepsSkippedAsCompleted,
} from './__testUtils__/recoveryHarness';

jest.setTimeout(600_000);

const TEMPLATE = 'template:default/gcp-project-bootstrap';

/** The GCS emulator keeps buckets between runs: names unique per run. */
const RUN = randomBytes(3).toString('hex');
const bucket = (suffix: string) => `coder-storage-${suffix}-${RUN}`;

const values = (suffix: string, projectId: string) => ({
  projectId,
  region: 'europe-west3',
  domainName: `${suffix}.spaces.example.com`,
  managedZone: `${suffix}-spaces-example-com`,
  bucketName: bucket(suffix),
  automationAccount: `${suffix}-automation`,
  dnsAccount: `${suffix}-dns`,
  storageAccount: `${suffix}-storage`,
});

describe('scaffolder task recovery after a backend restart', () => {
  const backends = new RecoveryBackends({
    templateFiles: [
      path.join(TEMPLATES_DIR, 'gcp-project-bootstrap/template.yaml'),
    ],
    staleTimeoutSeconds: 3,
  });
  /** Mutating RPCs and how often each was called since the last reset. */
  const mutationCounts = (): Record<string, number> => {
    const all = backends.gcp.calls.byRpc();
    return Object.fromEntries(
      backends.gcp.calls.mutations().map(rpc => [rpc, all[rpc]]),
    );
  };
  /** The mutations one uninterrupted run of the template makes. */
  let oneRun: Record<string, number>;

  /**
   * Creates a task, kills the backend when `killAt` arrives, starts a new
   * backend process and waits until the recovered task ends.
   */
  const interruptedRun = async (
    killAt: string,
    suffix: string,
    projectId: string,
  ) => {
    backends.gcp.calls.reset();
    const died = backends.killOn(killAt);
    const taskId = await backends.createTask(
      TEMPLATE,
      values(suffix, projectId),
    );
    await died;
    const atKill = mutationCounts();
    // The new process recovers the task once its heartbeat is older than
    // staleTimeout (its recovery loop looks every 10 s).
    await backends.startBackend();
    await backends.waitForEnd(taskId);
    const events = await backends.events(taskId);
    const figures = {
      killedAt: killAt,
      mutationsBeforeKill: atKill,
      mutationsTotal: mutationCounts(),
      stepsSkippedAsCompleted: stepsSkippedAsCompleted(events),
      stepsRunAfterRecovery: stepsRun(events),
      allCalls: backends.gcp.calls.byRpc(),
    };
    // eslint-disable-next-line no-console
    console.log(`resumed run: ${JSON.stringify(figures, null, 2)}`);
    return { taskId, events, ...figures };
  };

  beforeAll(async () => {
    await backends.startContractServers();
    // Buckets are created on the GCS emulator; their IAM policies live on
    // the contract server, which answers them for buckets it knows.
    for (const s of ['ref', 'rec', 'op'])
      backends.gcp.rest.storage.addBucket(bucket(s));
    // The template enables IAM Credentials too (a real API the contract
    // server's list of services lacks).
    backends.gcp.grpc.knownServices.add('iamcredentials.googleapis.com');
    await backends.startBackend();

    // An uninterrupted run (its own project) gives the mutations of one run.
    const referenceId = await backends.createTask(
      TEMPLATE,
      values('ref', 'acme-reference'),
    );
    await backends.waitForEnd(referenceId);
    const reference = await backends.outcome(referenceId);
    if (reference.status !== 'completed')
      throw new Error(
        `the uninterrupted run ended ${reference.status}: ${reference.failure}`,
      );
    oneRun = mutationCounts();
  });

  afterAll(async () => {
    await backends.stop();
  });

  it('killed while a policy write is in flight: completed steps skipped, the step re-run, every mutation made once', async () => {
    // The automation account's project roles: the account exists (its
    // create checkpoint is saved), the policy write is applied upstream.
    const killAt = 'resourcemanager.SetIamPolicy';
    expect(oneRun).toEqual(expect.objectContaining({ [killAt]: 1 }));
    const run = await interruptedRun(killAt, 'rec', RECOVERY_PROJECT);

    expect(await backends.outcome(run.taskId)).toEqual({ status: 'completed' });
    // The scaffolder answers the events since the recovery (startOver).
    expect(run.events[0]).toMatchObject({
      type: 'recovered',
      body: { recoverStrategy: 'startOver' },
    });
    expect(run.stepsSkippedAsCompleted).toEqual(['apis', 'bucket', 'zone']);
    expect(run.stepsRunAfterRecovery[0]).toBe('automation');
    expect(run.mutationsBeforeKill).toEqual(
      expect.objectContaining({ [killAt]: 1 }),
    );
    // Calls made twice: none.
    expect(run.mutationsTotal).toEqual(oneRun);

    // Each resource exists once, each role bound once.
    const project = `projects/${RECOVERY_PROJECT}`;
    const accounts = [...backends.gcp.rest.serviceAccounts.keys()].filter(k =>
      k.startsWith(`${project}/serviceAccounts/rec-`),
    );
    expect(accounts.sort()).toEqual(
      ['rec-automation', 'rec-dns', 'rec-storage'].map(
        a =>
          `${project}/serviceAccounts/${a}@${RECOVERY_PROJECT}.iam.gserviceaccount.com`,
      ),
    );
    expect(
      backends.gcp.rest.zones.has(
        `${project}/managedZones/rec-spaces-example-com`,
      ),
    ).toBe(true);
    const member = `serviceAccount:rec-automation@${RECOVERY_PROJECT}.iam.gserviceaccount.com`;
    const bindings = backends.gcp.grpc.policies.get(project)!.bindings;
    expect(
      [
        'roles/compute.networkAdmin',
        'roles/compute.securityAdmin',
        'roles/container.admin',
      ].map(role => ({
        role,
        bindings: bindings.filter(b => b.role === role).length,
        member: bindings
          .filter(b => b.role === role)
          .flatMap(b => b.members)
          .filter(m => m === member).length,
      })),
    ).toEqual(
      [
        'roles/compute.networkAdmin',
        'roles/compute.securityAdmin',
        'roles/container.admin',
      ].map(role => ({ role, bindings: 1, member: 1 })),
    );
  });

  it('killed while waiting on a long-running operation: the checkpoint resumes the same operation instead of enabling again', async () => {
    // The APIs step has started BatchEnableServices and saved the
    // operation's name in its checkpoint; the backend dies on the first
    // poll, before the services are enabled.
    const killAt = 'longrunning.GetOperation';
    const run = await interruptedRun(killAt, 'op', 'acme-operation');

    expect(await backends.outcome(run.taskId)).toEqual({ status: 'completed' });
    expect(run.stepsSkippedAsCompleted).toEqual([]);
    expect(run.stepsRunAfterRecovery[0]).toBe('apis');
    expect(run.mutationsBeforeKill).toEqual({
      'serviceusage.BatchEnableServices': 1,
    });
    // Calls made twice: none (the resumed step found the checkpoint).
    expect(run.mutationsTotal).toEqual(oneRun);
    expect(
      [
        ...backends.gcp.grpc.enabledServices.get('projects/acme-operation')!,
      ].sort(),
    ).toEqual([
      'compute.googleapis.com',
      'container.googleapis.com',
      'dns.googleapis.com',
      'iam.googleapis.com',
      'iamcredentials.googleapis.com',
      'storage.googleapis.com',
    ]);
  });
});
