import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

type SchemaCallback = Extract<
  NonNullable<
    NonNullable<Parameters<typeof createTemplateAction>[0]['schema']>['input']
  >,
  (...args: any[]) => any
>;

/** The zod instance the scaffolder injects into schema callbacks. */
export type Z = Parameters<SchemaCallback>[0];

/**
 * Which cluster an action talks to: a cluster name from
 * `coderPlatform.clusters[].name`, or a GKE resource name
 * `projects/<project>/locations/<location>/clusters/<name>` in a project of
 * `coderPlatform.gke.allowedProjects` (the `resourceName` output of
 * `gcp:gke:cluster`). Endpoints, CAs, URLs and tokens are never input: the
 * backend resolves them itself.
 */
export const clusterInput = (z: Z) =>
  z
    .string()
    .min(1)
    .max(200)
    .describe(
      'The cluster: a name from coderPlatform.clusters[] in app-config, or a GKE resource name projects/<project>/locations/<location>/clusters/<name> (the resourceName output of gcp:gke:cluster) in a project of coderPlatform.gke.allowedProjects',
    );

/** Namespace name as Kubernetes accepts it (RFC 1123 label). */
export const namespaceName = (z: Z) =>
  z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      'must be a lowercase RFC 1123 label, e.g. cert-manager',
    )
    .max(63);

/** Name of the Kubernetes Secret that receives a generated credential. */
export const targetSecretInput = (z: Z) =>
  z
    .object({
      name: z
        .string()
        .regex(
          /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
          'must be a lowercase RFC 1123 subdomain',
        )
        .describe('Name of the Kubernetes Secret'),
      namespace: namespaceName(z).describe(
        'Namespace of the Secret; created when missing',
      ),
      key: z.string().min(1).optional().describe('Key inside the Secret data'),
    })
    .describe('Kubernetes Secret that receives the credential');
