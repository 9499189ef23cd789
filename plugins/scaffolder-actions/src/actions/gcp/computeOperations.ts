import { GcpRun } from './gcpRun';

type ComputeOperation = {
  name?: string | null;
  status?: string | number | null;
  progress?: number | null;
  error?: {
    errors?: Array<{ code?: string | null; message?: string | null }> | null;
  } | null;
};

/** What `insert`/`patch`/`delete` of the Compute client resolve to. */
export type ComputeCallResult = [
  { latestResponse?: unknown; name?: string | null },
  ...unknown[],
];

/** The operation name of a Compute mutation's result (JSON, fit for a checkpoint). */
export function operationName(result: ComputeCallResult): string {
  const op = (result[0].latestResponse ?? result[0]) as ComputeOperation;
  return String(op.name);
}

function pollResult(op: ComputeOperation) {
  const errors = op.error?.errors ?? [];
  return {
    done: op.status === 'DONE' || op.status === 2104194,
    error: errors.length
      ? errors.map(e => `${e.code}: ${e.message}`).join('; ')
      : undefined,
    progress: typeof op.progress === 'number' ? `${op.progress}%` : undefined,
  };
}

/** Waits on a global Compute operation. */
export function waitGlobal(run: GcpRun, what: string, operation: string) {
  const client = run.clients.globalOperations();
  return run.waitFor(what, async () => {
    const [op] = await client.get({ project: run.projectId, operation });
    return pollResult(op as ComputeOperation);
  });
}

/** Waits on a regional Compute operation. */
export function waitRegional(
  run: GcpRun,
  what: string,
  region: string,
  operation: string,
) {
  const client = run.clients.regionOperations();
  return run.waitFor(what, async () => {
    const [op] = await client.get({
      project: run.projectId,
      region,
      operation,
    });
    return pollResult(op as ComputeOperation);
  });
}

/** Waits on a zonal Compute operation. */
export function waitZonal(
  run: GcpRun,
  what: string,
  zone: string,
  operation: string,
) {
  const client = run.clients.zoneOperations();
  return run.waitFor(what, async () => {
    const [op] = await client.get({ project: run.projectId, zone, operation });
    return pollResult(op as ComputeOperation);
  });
}

/** The last path segment of a self link or name. */
export const lastSegment = (s?: string | null) =>
  String(s ?? '')
    .split('/')
    .pop() ?? '';

/** Same members regardless of order. */
export const sameSet = (
  a: Array<string | null | undefined> = [],
  b: Array<string | null | undefined> = [],
) =>
  JSON.stringify([...a].map(String).sort()) ===
  JSON.stringify([...b].map(String).sort());
