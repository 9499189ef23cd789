import { InputError, NotAllowedError } from '@backstage/errors';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import { Code, googleErrorInfo, isQuotaError, isTransient } from './retry';

/** Roles that grant the permissions the GCP actions need, by permission prefix. */
const ROLE_FOR_PERMISSION: Array<[RegExp, string]> = [
  [/^container\./, 'roles/container.admin'],
  [/^compute\.firewalls\./, 'roles/compute.securityAdmin'],
  [/^compute\.addresses\./, 'roles/compute.publicIpAdmin'],
  [/^compute\./, 'roles/compute.networkAdmin'],
  [/^dns\./, 'roles/dns.admin'],
  [/^iam\.serviceAccountKeys\./, 'roles/iam.serviceAccountKeyAdmin'],
  [/^iam\.serviceAccounts\./, 'roles/iam.serviceAccountAdmin'],
  [
    /^resourcemanager\.projects\.(get|set)IamPolicy/,
    'roles/resourcemanager.projectIamAdmin',
  ],
  [/^serviceusage\./, 'roles/serviceusage.serviceUsageAdmin'],
  [/^storage\./, 'roles/storage.admin'],
];

/** Context for turning an upstream error into a message a platform engineer can act on. */
export type ErrorContext = {
  /** What was being done, e.g. `create network dev-vpc`. */
  what: string;
  /** The API host, e.g. `compute.googleapis.com`. */
  api: string;
  /** The project. */
  projectId: string;
  /** Secret values known to this run (masked wherever they appear). */
  secrets?: Iterable<string>;
  /** False for a call sent once (not idempotent): no "run again" advice. */
  retried?: boolean;
  /** The time budget of one call, for a call that never answered. */
  callTimeoutMs?: number;
};

function missingPermission(message: string): string | undefined {
  return (
    /[Pp]ermission '([\w.]+)'/.exec(message)?.[1] ??
    /Required '([\w.]+)' permission/.exec(message)?.[1] ??
    /does not have ([a-z]+\.[a-zA-Z]+\.[a-zA-Z]+) access/.exec(message)?.[1] ??
    /\b([a-z]+\.[a-zA-Z]+\.[a-zA-Z]+) permission/.exec(message)?.[1]
  );
}

/**
 * Maps an upstream Google error to an error with an actionable message:
 * disabled API, missing permission (with the role that grants it), quota,
 * conflicts and invalid arguments become InputError / NotAllowedError; the
 * rest becomes an Error naming the step. Messages pass through the one
 * `redact`, so they never carry credentials.
 */
export function toActionError(error: unknown, context: ErrorContext): Error {
  if (error instanceof InputError || error instanceof NotAllowedError)
    return error;
  if ((error as Error)?.name === 'AbortError') return error as Error;
  const info = googleErrorInfo(error);
  const upstream = redact(info.message.split('\n')[0], context.secrets);
  const prefix = `Could not ${context.what} in project ${context.projectId}`;

  if (
    info.reasons.includes('SERVICE_DISABLED') ||
    /has not been used in project .* or it is disabled|API has not been used|is not enabled for project/i.test(
      info.message,
    ) ||
    (info.code === Code.NOT_FOUND &&
      /API .*not (found|enabled)/i.test(info.message))
  ) {
    return new InputError(
      `${prefix}: the API ${context.api} is not enabled. Enable it first (gcp:services:enable with services: [${context.api}]), wait a minute, then run again. Upstream: ${upstream}`,
    );
  }
  switch (info.code) {
    case Code.PERMISSION_DENIED:
    case Code.UNAUTHENTICATED: {
      const permission = missingPermission(info.message);
      const role = permission
        ? ROLE_FOR_PERMISSION.find(([re]) => re.test(permission))?.[1]
        : undefined;
      const hint = permission
        ? ` The credentials lack the permission '${permission}'${
            role ? ` (granted by ${role})` : ''
          }.`
        : ' Check the roles of the service account the backend runs as.';
      return new NotAllowedError(
        `${prefix}: permission denied.${hint} Upstream: ${upstream}`,
      );
    }
    case Code.RESOURCE_EXHAUSTED:
      return new InputError(
        isQuotaError(info)
          ? `${prefix}: quota exceeded. Request a quota increase or ask for less (region, size, count). Upstream: ${upstream}`
          : `${prefix}: rate limited after retries. Run again later. Upstream: ${upstream}`,
      );
    case Code.ALREADY_EXISTS:
      return new InputError(
        `${prefix}: the name is already taken by a resource this action cannot use (another project or owner, or created concurrently). Choose another name, or import it. Upstream: ${upstream}`,
      );
    case Code.INVALID_ARGUMENT:
    case Code.FAILED_PRECONDITION:
      return new InputError(
        `${prefix}: the API rejected the request. Upstream: ${upstream}`,
      );
    case Code.NOT_FOUND:
      return new InputError(
        `${prefix}: not found (does the project exist, and is the parent resource created?). Upstream: ${upstream}`,
      );
    case Code.DEADLINE_EXCEEDED:
      if (context.callTimeoutMs !== undefined) {
        const budget = `${
          context.callTimeoutMs / 1000
        } s (coderPlatform.gcp.callTimeoutSeconds)`;
        return new Error(
          context.retried === false
            ? `${prefix}: ${context.api} did not answer within ${budget} (${upstream}).`
            : `${prefix}: ${context.api} did not answer within ${budget} on any attempt (${upstream}): it is unreachable or overloaded. Run the task again once it answers: what earlier attempts completed is not done twice.`,
        );
      }
      return transientOrPlain(error, prefix, upstream, context);
    default:
      return transientOrPlain(error, prefix, upstream, context);
  }
}

/** A transient error after retries says to run again; anything else names the step. */
function transientOrPlain(
  error: unknown,
  prefix: string,
  upstream: string,
  context: ErrorContext,
): Error {
  if (isTransient(error) && context.retried !== false)
    return new Error(
      `${prefix}: ${context.api} is unavailable or unreachable (${upstream}), still after retries. Run the task again once it answers: what earlier attempts completed is not done twice.`,
    );
  return new Error(`${prefix}: ${upstream}`);
}
