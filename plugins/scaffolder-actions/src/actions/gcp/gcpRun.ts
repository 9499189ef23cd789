import { LoggerService } from '@backstage/backend-plugin-api';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  redact,
  redactError,
  redactValue,
  SecretRegistry,
} from '@coder-platform/plugin-coder-platform-node';
import { GcpActionOptions, GcpClients, resolveProjectId } from './gcpClients';
import { parseInput } from './inputProperties';
import { toActionError } from './errors';
import {
  abortable,
  abortError,
  Code,
  googleErrorInfo,
  sleep,
  withDeadline,
  withRetry,
} from './retry';

/** A JSON value (what a checkpoint may store). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** What an action will do (or did) to one resource. */
export type Plan =
  | { kind: 'create' }
  | { kind: 'update'; fields: string[] }
  | { kind: 'none' }
  | { kind: 'delete' }
  | { kind: 'absent' };

/** The plan as a sentence for the log. */
export function describePlan(resource: string, plan: Plan): string {
  switch (plan.kind) {
    case 'create':
      return `${resource}: create`;
    case 'update':
      return `${resource}: update fields ${plan.fields.join(', ')}`;
    case 'delete':
      return `${resource}: delete`;
    case 'absent':
      return `${resource}: nothing to do (already absent)`;
    default:
      return `${resource}: nothing to do (already as requested)`;
  }
}

/**
 * A logger that passes every message (and its metadata) through the one
 * `redact` with the secrets known to the run.
 */
export function redactingLogger(
  logger: LoggerService,
  secrets: Iterable<string>,
): LoggerService {
  const wrap =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, meta?: Error | Record<string, unknown>) =>
      logger[level](
        redact(String(message), secrets),
        meta instanceof Error
          ? redactError(meta, secrets)
          : meta && (redactValue(meta, secrets) as any),
      );
  return {
    error: wrap('error'),
    warn: wrap('warn'),
    info: wrap('info'),
    debug: wrap('debug'),
    child: meta =>
      redactingLogger(logger.child(redactValue(meta, secrets)), secrets),
  };
}

/** How {@link GcpRun.mutate} runs one mutation. */
export type MutateOptions = {
  /**
   * `false` for a call that is not idempotent (it creates something new each
   * time, e.g. a service account key): it is sent once, never retried, and a
   * failure says what to check before running again (`onFailure`).
   */
  retry?: boolean;
  /** What to tell the platform engineer when a non-retried call fails. */
  onFailure?: string;
} & CallOptions;

/** How one read or mutation is bounded in time. */
export type CallOptions = {
  /**
   * `false` for a function that makes many calls (a paged listing, a loop of
   * deletions): each of its calls is bounded by its client or its own
   * `run.retry`, not the whole by one `callTimeoutSeconds`. Default true.
   */
  deadline?: boolean;
};

/** Result of one poll of a long-running operation. */
export type PollResult = { done: boolean; error?: string; progress?: string };

/**
 * The runtime of one GCP action invocation: retries, error mapping,
 * checkpoints, plan logging and waiting on long-running operations.
 */
export class GcpRun {
  /** Mutations made by this invocation (for the outputs and the log). */
  readonly changes: string[] = [];
  /**
   * Secret values this run knows: the task's secrets and the credentials of
   * the injected auth client (read at each use, so a token fetched later is
   * masked too). Logs and errors pass through `redact` with them.
   */
  readonly secrets: Iterable<string>;
  readonly logger: LoggerService;

  constructor(
    private readonly ctx: ActionContext<any, any>,
    readonly clients: GcpClients,
    readonly projectId: string,
    readonly api: string,
  ) {
    const registry = new SecretRegistry(
      Object.values((ctx.secrets ?? {}) as Record<string, string>),
    );
    this.secrets = {
      *[Symbol.iterator]() {
        yield* registry;
        yield* clients.credentialValues();
      },
    };
    this.logger = redactingLogger(ctx.logger, this.secrets);
  }

  get dryRun(): boolean {
    return !!this.ctx.isDryRun;
  }

  /** Masks the secrets this run knows, and anything shaped like a credential. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  private errorContext(what: string) {
    return {
      what,
      api: this.api,
      projectId: this.projectId,
      secrets: this.secrets,
      callTimeoutMs: this.clients.settings.callTimeoutMs,
    };
  }

  private retryOptions(what: string, options: CallOptions = {}) {
    return {
      ...this.clients.settings.retry,
      callTimeoutMs:
        options.deadline === false
          ? undefined
          : this.clients.settings.callTimeoutMs,
      what,
      signal: this.ctx.signal,
      logger: this.logger,
      secrets: this.secrets,
    };
  }

  /** A read, retried on transient errors; upstream errors become actionable. */
  async read<T>(
    what: string,
    fn: () => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    try {
      return await withRetry(fn, this.retryOptions(what, options));
    } catch (error) {
      throw toActionError(error, this.errorContext(what));
    }
  }

  /**
   * One idempotent call retried on transient errors, errors left as they are
   * (for the steps of a read-modify-write inside {@link GcpRun.mutate}).
   */
  retry<T>(
    what: string,
    fn: () => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return withRetry(fn, this.retryOptions(what, options));
  }

  /** A read of something that may not exist: NOT_FOUND gives `undefined`. */
  async readOptional<T>(
    what: string,
    fn: () => Promise<T>,
    options: CallOptions = {},
  ): Promise<T | undefined> {
    try {
      return await withRetry(fn, this.retryOptions(what, options));
    } catch (error) {
      const info = googleErrorInfo(error);
      if (
        info.code === Code.NOT_FOUND &&
        !/not (been )?(used|enabled)|is disabled/i.test(info.message)
      )
        return undefined;
      throw toActionError(error, this.errorContext(what));
    }
  }

  /**
   * A mutation: inside `ctx.checkpoint` with a stable key naming the target,
   * retried on transient errors unless `options.retry` is false (calls that
   * are not idempotent). Never called in a dry run.
   */
  async mutate<T extends JsonValue | void>(
    key: string,
    what: string,
    fn: () => Promise<T>,
    options: MutateOptions = {},
  ): Promise<T> {
    if (this.dryRun)
      throw new Error(`internal error: ${what} attempted in a dry run`);
    this.logger.info(`${what} (project ${this.projectId})`);
    this.changes.push(what);
    const once = options.retry === false;
    try {
      return await this.ctx.checkpoint<T>({
        key,
        fn: once
          ? () =>
              abortable(
                withDeadline(
                  fn(),
                  options.deadline === false
                    ? undefined
                    : this.clients.settings.callTimeoutMs,
                ),
                this.ctx.signal,
              )
          : () => withRetry(fn, this.retryOptions(what, options)),
      });
    } catch (error) {
      const mapped = toActionError(error, {
        ...this.errorContext(what),
        retried: !once,
      });
      if (once && options.onFailure && mapped.name === 'Error')
        mapped.message = `${mapped.message}. Not retried: ${options.onFailure}`;
      throw mapped;
    }
  }

  /** Logs the plan; in a dry run, says that nothing is written. */
  plan(resource: string, plan: Plan): Plan {
    this.logger.info(
      `${this.dryRun ? '[dry run] ' : ''}${describePlan(resource, plan)}`,
    );
    return plan;
  }

  /**
   * Polls a long-running operation until done, logging progress; honours
   * `ctx.signal` and the configured timeout.
   */
  async waitFor(what: string, poll: () => Promise<PollResult>): Promise<void> {
    const { operationPollIntervalMs, operationTimeoutMs } =
      this.clients.settings;
    const started = Date.now();
    for (let n = 1; ; n++) {
      if (this.ctx.signal?.aborted) throw abortError(this.ctx.signal);
      const result = await this.read(`poll ${what}`, poll);
      if (result.done) {
        if (result.error) {
          throw new Error(
            `Could not ${what} in project ${
              this.projectId
            }: the operation failed: ${this.redact(result.error)}`,
          );
        }
        this.logger.info(
          `${what}: done after ${Math.round((Date.now() - started) / 1000)} s`,
        );
        return;
      }
      if (Date.now() - started > operationTimeoutMs) {
        throw new Error(
          `Timed out after ${Math.round(
            operationTimeoutMs / 60000,
          )} min waiting to ${what}; it may still finish: run the step again to pick it up`,
        );
      }
      if (n === 1 || n % 6 === 0) {
        this.logger.info(
          `${what}: still running${
            result.progress ? ` (${result.progress})` : ''
          }, waited ${Math.round((Date.now() - started) / 1000)} s`,
        );
      }
      await sleep(operationPollIntervalMs, this.ctx.signal);
    }
  }
}

/** Throws an InputError naming the field. */
export function invalid(field: string, problem: string): never {
  throw new InputError(`${field}: ${problem}`);
}

/**
 * Starts one invocation of a GCP action: validates the input (an InputError
 * naming each bad field), builds the clients and resolves the project.
 */
export function startGcpRun<T extends { projectId?: string }>(
  ctx: ActionContext<any, any>,
  options: GcpActionOptions,
  action: { id: string; inputSchema: (z: any) => any; api: string },
): { input: T; clients: GcpClients; projectId: string; run: GcpRun } {
  const input = parseInput<T>(action.id, action.inputSchema, ctx.input);
  const clients = GcpClients.fromOptions(options);
  const projectId = resolveProjectId(clients.settings, input.projectId);
  const run = new GcpRun(ctx, clients, projectId, action.api);
  return { input, clients, projectId, run };
}
