/** What one call of the scaffolder's HTTP API answered. */
export interface ScaffolderAnswer {
  status: number;
  body: any;
}

/** A task after it reached `completed`, `failed` or `cancelled`. */
export interface SettledTask {
  status: string;
  task: any;
  events: { body: { message?: string; stepId?: string; status?: string } }[];
  /** The events' messages, one per line. */
  log: string;
}

/**
 * Calls to a scaffolder backend's `/api/scaffolder` as one caller, and the
 * wait for a task to settle: the tests that run real tasks (POST /v2/tasks)
 * share these instead of each writing its own.
 */
export function scaffolderTasks(options: {
  /** Base URL of the backend; a function when it is known only once it listens. */
  baseUrl: string | (() => string);
  /** The `authorization` header of every call. */
  authorization: string;
  /** Poll interval while waiting for a task (default 100 ms). */
  pollMs?: number;
  /** Polls before giving up (default 900). */
  maxPolls?: number;
}) {
  const base = () =>
    typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl;

  /** GET without a body, POST with one; the JSON answer and its status. */
  async function api(path: string, body?: unknown): Promise<ScaffolderAnswer> {
    const res = await fetch(`${base()}/api/scaffolder${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: options.authorization,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async function settle(taskId: string): Promise<SettledTask> {
    for (let i = 0; i < (options.maxPolls ?? 900); i++) {
      const task = await api(`/v2/tasks/${taskId}`);
      if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
        const events = (await api(`/v2/tasks/${taskId}/events`))
          .body as SettledTask['events'];
        return {
          status: task.body.status,
          task: task.body,
          events,
          log: events.map(e => e.body.message ?? '').join('\n'),
        };
      }
      await new Promise(r => setTimeout(r, options.pollMs ?? 100));
    }
    throw new Error(`task ${taskId} did not finish`);
  }

  return { api, settle };
}
