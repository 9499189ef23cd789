/*
 * Task recovery of a Coder template push: a real scaffolder backend process
 * on the PostgreSQL peer runs a template that fetches the devbox into its
 * workspace (as workspace-image does for its repository), then pushes it to
 * the Coder contract server; the process is SIGKILLed while the push waits
 * on the provisioner job, and a new process with its own empty working
 * directory (a new pod) recovers the task in a FRESH workspace (no workspace
 * provider). A process restarted on the same machine would find the old
 * workspace in its temp folder; a rescheduled pod does not. Pushed with `template: devbox`, the
 * resumed step finds its files in the package and finishes without a second
 * upload, version or template; pushed with `directory`, the same restart
 * fails the step naming the missing directory (why the templates push the
 * bundled template).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CoderContractServer } from '../coder/CoderContractServer';
import {
  RecoveryBackends,
  stepsRun,
  stepsSkippedAsCompleted,
} from './__testUtils__/recoveryHarness';

jest.setTimeout(600_000);

/** A template of two steps: fetch into the workspace, then push. */
function pushTemplate(name: string, source: Record<string, string>) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'group:default/platform',
      type: 'service',
      EXPERIMENTAL_recovery: { EXPERIMENTAL_strategy: 'startOver' },
      parameters: [],
      steps: [
        {
          id: 'coder-template',
          name: 'Add the Coder template',
          action: 'coder:template:fetch',
          input: { template: 'devbox', targetPath: 'coder-template' },
        },
        {
          id: 'push',
          name: 'Push the Coder template',
          action: 'coder:template:push',
          input: {
            cluster: 'dev',
            name,
            ...source,
            variables: { namespace: 'coder', cluster_name: 'dev' },
          },
        },
      ],
    },
  };
}

describe('task recovery of coder:template:push (backend SIGKILLed during the provisioner job)', () => {
  let coder: CoderContractServer;
  let backends: RecoveryBackends;

  beforeAll(async () => {
    // Each job stays running for several of the action's 1 s polls, so the
    // kill lands while the push waits on it.
    coder = await CoderContractServer.start({ jobReadsPerStage: 3 });
    const token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'admin-password',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'push-recovery-'));
    const files = [
      pushTemplate('bundled-devbox', { template: 'devbox' }),
      pushTemplate('workspace-devbox', { directory: 'coder-template' }),
    ].map(t => {
      const file = path.join(dir, `${t.metadata.name}.yaml`);
      writeFileSync(file, stringify(t));
      return file;
    });
    backends = new RecoveryBackends({
      templateFiles: files,
      staleTimeoutSeconds: 3,
      // The restarted backend is a new pod: an empty working directory.
      freshWorkingDirectory: true,
      coderPlatform: {
        clusters: [{ name: 'dev', coder: { url: coder.url, token } }],
      },
    });
    await backends.startContractServers();
    await backends.startBackend();
  });
  afterAll(async () => {
    await backends?.stop();
    await coder?.stop();
  });

  /** Starts the task, SIGKILLs the backend while the push waits on the job, starts a new one. */
  const interruptedRun = async (name: string) => {
    const before = coder.requests.length;
    const taskId = await backends.createTask(`template:default/${name}`, {});
    // The first read of the version's job comes after the version's
    // checkpoint is saved: the push is then waiting on the provisioner job.
    const waitingOnJob = () =>
      coder.requests
        .slice(before)
        .some(
          r =>
            r.method === 'GET' &&
            r.path.startsWith('/api/v2/templateversions/'),
        );
    const deadline = Date.now() + 60_000;
    while (!waitingOnJob()) {
      if (Date.now() > deadline)
        throw new Error(
          `the push never waited on a provisioner job; log:\n${backends.log()}`,
        );
      await new Promise(r => setTimeout(r, 20));
    }
    await backends.current!.kill();
    const atKill = coder.requests.slice(before).filter(r => r.method !== 'GET');
    await backends.startBackend();
    await backends.waitForEnd(taskId);
    const events = await backends.events(taskId);
    return {
      taskId,
      events,
      mutationsAtKill: atKill.map(r => `${r.method} ${r.path}`),
      mutationsTotal: coder.requests
        .slice(before)
        .filter(r => r.method !== 'GET')
        .map(r => `${r.method} ${r.path}`),
    };
  };

  it('template: devbox: the resumed push finds the bundled files and makes no mutation twice', async () => {
    const run = await interruptedRun('bundled-devbox');
    // eslint-disable-next-line no-console
    console.log(
      `resumed push: ${JSON.stringify(
        {
          mutationsAtKill: run.mutationsAtKill,
          mutationsTotal: run.mutationsTotal,
          stepsSkippedAsCompleted: stepsSkippedAsCompleted(run.events),
          stepsRunAfterRecovery: stepsRun(run.events),
        },
        null,
        2,
      )}`,
    );
    expect(await backends.outcome(run.taskId)).toEqual({ status: 'completed' });
    expect(run.events[0]).toMatchObject({ type: 'recovered' });
    expect(stepsSkippedAsCompleted(run.events)).toEqual(['coder-template']);
    expect(stepsRun(run.events)).toEqual(['push']);
    expect(run.mutationsAtKill).toEqual([
      'POST /api/v2/files',
      'POST /api/v2/organizations/default/templateversions',
    ]);
    // Calls made twice: none.
    expect(run.mutationsTotal).toEqual([
      'POST /api/v2/files',
      'POST /api/v2/organizations/default/templateversions',
      'POST /api/v2/organizations/default/templates',
    ]);
    expect(coder.templateNames()).toEqual(['bundled-devbox']);
  });

  it('directory: the same restart fails the resumed push naming the directory its fresh workspace lacks', async () => {
    const run = await interruptedRun('workspace-devbox');
    const outcome = await backends.outcome(run.taskId);
    expect(outcome.status).toBe('failed');
    expect(outcome.failure?.join('\n')).toContain(
      'coder:template:push: directory coder-template does not exist in the workspace',
    );
    expect(coder.templateNames()).toEqual(['bundled-devbox']);
  });
});
