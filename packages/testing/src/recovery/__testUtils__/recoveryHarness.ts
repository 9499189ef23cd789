import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { GcpContractServer } from '../../gcp';
import { requirePeer } from '../../peers/peersEnv';
import {
  Replica,
  REPLICA_ACCESS_TOKEN,
  startReplica,
} from '../../replicas/replicaCluster';
import { StorageSplitProxy } from './StorageSplitProxy';

/** The project the contract servers hold and the GKE model trusts. */
export const RECOVERY_PROJECT = 'acme-coder';

const CONTRACT_TOKEN = `contract-${randomBytes(8).toString('hex')}`;

/** One event of `GET /api/scaffolder/v2/tasks/:id/events`. */
export interface TaskEvent {
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    [k: string]: any;
  };
}

/**
 * A scaffolder backend process (`recoveryBackend.ts`) that can be killed and
 * started again on the same PostgreSQL database, with the GCP contract
 * servers of this test process behind `coderPlatform.gcp.endpoints`.
 */
export class RecoveryBackends {
  readonly gcp = new GcpContractServer({ pollsToComplete: 2 });
  private storage?: StorageSplitProxy;
  private readonly databasePrefix = `recovery_${randomBytes(4).toString(
    'hex',
  )}_`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'recovery-'));
  private count = 0;
  private killAt?: { rpc: string; replica: Replica };
  current?: Replica;

  constructor(
    private readonly options: {
      templateFiles: string[];
      /** `scaffolder.taskRecovery.staleTimeout` in seconds. */
      staleTimeoutSeconds: number;
      /** Further `coderPlatform` keys, e.g. `clusters` with a Coder contract server. */
      coderPlatform?: Record<string, unknown>;
      /**
       * Give each process its own empty `backend.workingDirectory`, as a
       * new pod has: without it a process restarted on the same machine
       * finds the task workspace the killed one left in the temp folder.
       */
      freshWorkingDirectory?: boolean;
      /**
       * The backend's Google access token (default a random one the contract
       * servers accept). A run that reaches a real API server through GKE
       * gives a token that API server accepts, as GKE accepts Google tokens.
       */
      accessToken?: string;
      /** `coderPlatform.gke.allowedProjects` (default the recovery project). */
      allowedProjects?: string[];
      /** Further environment of each backend process. */
      env?: Record<string, string>;
      /** Further CA certificates (PEM) the backend processes trust. */
      caCertificates?: string[];
    },
  ) {}

  /**
   * Starts the GCP contract servers, and the Cloud Storage endpoint: buckets
   * on the GCS emulator peer, their IAM policies on the contract server.
   */
  async startContractServers() {
    const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
    await this.gcp.start();
    const enter = this.gcp.calls.enter.bind(this.gcp.calls);
    this.gcp.calls.enter = (rpc: string) => {
      if (this.killAt?.rpc === rpc) {
        this.killAt.replica.process.kill('SIGKILL');
        this.killAt = undefined;
      }
      enter(rpc);
    };
    this.storage = await new StorageSplitProxy(this.gcp, PEERS_GCS_URL).start();
  }

  /**
   * SIGKILLs the current backend process when `rpc` next reaches a contract
   * server: the call is still served (the mutation is applied), but the
   * backend dies before the answer arrives. Resolves once it has exited.
   */
  killOn(rpc: string): Promise<void> {
    const replica = this.current;
    if (!replica) throw new Error('no backend process started');
    this.killAt = { rpc, replica };
    return new Promise(done => replica.process.once('exit', () => done()));
  }

  /**
   * SIGKILLs the current backend process now (e.g. from a proxy's hook while
   * a request of it is in flight). Resolves once it has exited.
   */
  killNow(): Promise<void> {
    const replica = this.current;
    if (!replica) throw new Error('no backend process started');
    const exited = new Promise<void>(done =>
      replica.process.once('exit', () => done()),
    );
    if (
      replica.process.exitCode === null &&
      replica.process.signalCode === null
    )
      replica.process.kill('SIGKILL');
    else return Promise.resolve();
    return exited;
  }

  /** Starts a new backend process (the previous one must be dead). */
  async startBackend(): Promise<Replica> {
    // The REST contract server's self-signed certificate, trusted by the child.
    const caFile = join(this.dir, 'contract-ca.pem');
    writeFileSync(
      caFile,
      [this.gcp.rest.certificate, ...(this.options.caCertificates ?? [])].join(
        '\n',
      ),
    );
    this.count += 1;
    this.current = await startReplica({
      name: `scaffolder-${this.count}`,
      databasePrefix: this.databasePrefix,
      cacheNamespace: this.databasePrefix,
      entry: resolvePackagePath(
        '@coder-platform/testing',
        'src/recovery/__testUtils__/recoveryBackend.ts',
      ),
      readyPath: '/api/scaffolder/v2/actions',
      env: {
        NODE_EXTRA_CA_CERTS: caFile,
        ...(this.options.freshWorkingDirectory
          ? {
              APP_CONFIG_backend_workingDirectory: mkdtempSync(
                join(this.dir, `workspaces-${this.count}-`),
              ),
            }
          : {}),
        RECOVERY_TEMPLATE_FILES: JSON.stringify(this.options.templateFiles),
        ...this.options.env,
      },
      config: {
        scaffolder: {
          taskRecovery: {
            enabled: true,
            staleTimeout: { seconds: this.options.staleTimeoutSeconds },
          },
        },
        recoveryTest: {
          accessToken: this.options.accessToken ?? CONTRACT_TOKEN,
        },
      },
      coderPlatform: {
        ...this.options.coderPlatform,
        gcp: {
          projectId: RECOVERY_PROJECT,
          endpoints: {
            ...this.gcp.endpointsConfig(),
            storage: this.storage!.endpoint(),
          },
          operations: { pollIntervalMs: 50, timeoutMinutes: 2 },
          retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
        },
        gke: {
          ...(this.options.coderPlatform?.gke as object | undefined),
          allowedProjects: this.options.allowedProjects ?? [RECOVERY_PROJECT],
        },
      },
    });
    return this.current;
  }

  private async request(method: string, path: string, body?: unknown) {
    const replica = this.current;
    if (!replica) throw new Error('no backend process started');
    const res = await fetch(`${replica.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${REPLICA_ACCESS_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  /**
   * `POST /v2/tasks`: a real task of a template the catalog serves, with the
   * task secrets the form's `ui:field: Secret` fields would send.
   */
  async createTask(
    templateRef: string,
    values: Record<string, unknown>,
    secrets?: Record<string, string>,
  ) {
    const { id } = await this.request('POST', '/api/scaffolder/v2/tasks', {
      templateRef,
      values,
      ...(secrets ? { secrets } : {}),
    });
    return id as string;
  }

  async task(id: string): Promise<{ status: string; [k: string]: any }> {
    return this.request('GET', `/api/scaffolder/v2/tasks/${id}`);
  }

  /** The task's events (since its last recovery, as the scaffolder trims them). */
  async events(id: string): Promise<TaskEvent[]> {
    return this.request('GET', `/api/scaffolder/v2/tasks/${id}/events`);
  }

  /**
   * How the task ended: its status, and for a failure the messages of the
   * completion event and of the step that failed.
   */
  async outcome(id: string): Promise<{ status: string; failure?: string[] }> {
    const { status } = await this.task(id);
    if (status === 'completed') return { status };
    const events = await this.events(id);
    const failed = events.find(e => e.body.status === 'failed')?.body.stepId;
    return {
      status,
      failure: events
        .filter(
          e => e.type === 'completion' || (failed && e.body.stepId === failed),
        )
        .map(e => `${e.body.stepId ?? e.type}: ${e.body.message}`),
    };
  }

  /**
   * Waits until a process started at or after `since` (ms) has recovered the
   * task and started its first step again; answers the events from the
   * recovery on (the completed steps it skipped, the step it re-runs).
   */
  async waitForRecovery(
    id: string,
    since: number,
    timeoutMs = 120_000,
  ): Promise<TaskEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.events(id).catch(() => []);
      const recovered = events.some(
        e =>
          e.type === 'recovered' &&
          Date.parse((e as { createdAt?: string }).createdAt ?? '') >=
            since - 1000,
      );
      if (recovered && stepsRun(events).length > 0) return events;
      if (Date.now() > deadline)
        throw new Error(
          `task ${id} not recovered ${
            timeoutMs / 1000
          } s after the restart; log:\n${this.log()}`,
        );
      await new Promise(r => setTimeout(r, 500));
    }
  }

  /** Polls until the task is completed, failed or cancelled. */
  async waitForEnd(id: string, timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.task(id);
      if (['completed', 'failed', 'cancelled'].includes(task.status))
        return task;
      if (Date.now() > deadline)
        throw new Error(
          `task ${id} still ${task.status} after ${
            timeoutMs / 1000
          } s; log:\n${this.log()}`,
        );
      await new Promise(r => setTimeout(r, 500));
    }
  }

  /** The last part of the current process's log (for failure messages). */
  log(): string {
    return this.current
      ? readFileSync(this.current.logFile, 'utf8').slice(-4000)
      : '';
  }

  async stop() {
    await this.current?.kill();
    await this.storage?.stop();
    await this.gcp.stop();
  }
}

/**
 * Step ids the log events say ran (a "processing" status), in order; a step
 * whose `if:` was falsy also starts processing, then says "skipped".
 */
export function stepsRun(events: TaskEvent[]): string[] {
  const skipped = new Set(
    events.filter(e => e.body.status === 'skipped').map(e => e.body.stepId),
  );
  return events
    .filter(e => e.type === 'log' && e.body.status === 'processing')
    .map(e => e.body.stepId!)
    .filter((id, i, all) => all.indexOf(id) === i && !skipped.has(id));
}

/** Step ids skipped because a previous run of the task completed them. */
export function stepsSkippedAsCompleted(events: TaskEvent[]): string[] {
  return events
    .filter(
      e =>
        e.type === 'log' &&
        /^Skipping step \S+ because it was already completed/.test(
          e.body.message ?? '',
        ),
    )
    .map(e => e.body.stepId!);
}
