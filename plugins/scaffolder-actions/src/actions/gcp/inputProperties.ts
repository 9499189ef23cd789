import { InputError } from '@backstage/errors';

/**
 * The zod instance the scaffolder hands to schema callbacks. It is kept so a
 * handler can parse its input with the very schema it declared (defaults,
 * patterns, bounds), and report the field that is wrong.
 */
let zodInstance: any;

/** The type of the zod instance passed to schema callbacks. */
export type Zod = any;

/** Wraps a schema callback so the zod instance it receives is remembered. */
export function schemaOf<F extends (z: Zod) => any>(build: F): F {
  return ((z: Zod) => {
    zodInstance = z;
    return build(z);
  }) as F;
}

/**
 * Parses `input` with the schema `build` creates: applies defaults and
 * throws an InputError naming each bad field (`subnet.ipCidrRange: ...`).
 */
export function parseInput<T>(
  actionId: string,
  build: (z: Zod) => any,
  input: unknown,
): T {
  if (!zodInstance)
    throw new Error('internal error: zod instance not captured');
  const result = build(zodInstance).safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue: { path: Array<string | number>; message: string }) =>
        `${issue.path.length ? issue.path.join('.') : '(input)'}: ${
          issue.message
        }`,
    );
    throw new InputError(
      `Invalid input to ${actionId}: ${problems.join('; ')}`,
    );
  }
  return result.data as T;
}

/** Shared input fields. */
export const commonInput = (z: Zod) => ({
  projectId: z
    .string()
    .regex(
      /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/,
      'must be a GCP project ID (6-30 lowercase letters, digits, hyphens)',
    )
    .optional()
    .describe(
      'GCP project ID. Defaults to coderPlatform.gcp.projectId from app-config.',
    ),
});

/** A GCP resource name (RFC 1035 label, as Compute, GKE and DNS require). */
export const resourceName = (z: Zod, what: string) =>
  z
    .string()
    .regex(
      /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
      'must start with a lowercase letter, contain only lowercase letters, digits and hyphens, at most 63 characters',
    )
    .describe(what);

/** GCP labels: lowercase keys and values. */
export const labelsInput = (z: Zod) =>
  z
    .record(
      z
        .string()
        .regex(
          /^[a-z][-_a-z0-9]{0,62}$/,
          'label keys: lowercase letters, digits, - and _, starting with a letter',
        ),
      z
        .string()
        .regex(
          /^[-_a-z0-9]{0,63}$/,
          'label values: lowercase letters, digits, - and _',
        ),
    )
    .optional()
    .describe('Labels to set on the resource (lowercase keys and values).');

/** `state: present | absent` for actions that also delete. */
export const stateInput = (z: Zod, what: string) =>
  z
    .enum(['present', 'absent'])
    .default('present')
    .describe(
      `present: create or update the ${what}; absent: delete it (teardown).`,
    );

/** An IPv4 CIDR range. */
export const cidr = (z: Zod, what: string) =>
  z
    .string()
    .regex(
      /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/,
      'must be an IPv4 CIDR range such as 10.55.0.0/24',
    )
    .describe(what);

/** A Cloud Storage bucket name. */
export const bucketName = (z: Zod, what: string) =>
  z
    .string()
    .regex(
      /^[a-z0-9][-_a-z0-9]{1,61}[a-z0-9]$/,
      'must be 3-63 characters: lowercase letters, digits, - and _, starting and ending with a letter or digit',
    )
    .refine(
      (n: string) => !n.startsWith('goog') && !n.includes('google'),
      'must not start with goog or contain google',
    )
    .describe(what);

/** An IAM role: predefined (roles/x.y) or custom (projects/p/roles/x, organizations/n/roles/x). */
export const iamRole = (z: Zod, what: string) =>
  z
    .string()
    .regex(
      /^(roles|projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/roles|organizations\/\d+\/roles)\/[\w.]+$/,
      'must be a role such as roles/dns.admin',
    )
    .describe(what);

/** An IAM member (principal) as policies spell it. */
export const iamMember = (z: Zod, what: string) =>
  z
    .string()
    .regex(
      /^(?:(?:user|serviceAccount|group|domain|projectOwner|projectEditor|projectViewer):[^\s:]+|principal(?:Set)?:\/\/\S+|allUsers|allAuthenticatedUsers)$/,
      'must be an IAM member such as serviceAccount:name@project.iam.gserviceaccount.com, user:, group:, domain:, principal://, principalSet://',
    )
    .describe(what);
