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
 * Which Kubernetes cluster an action talks to: a cluster named in app-config
 * (a kubeconfig file, or URL + CA + credentials), or the outputs of
 * `gcp:gke:cluster` (endpoint + CA), authenticated with a Google access token
 * from Application Default Credentials, as GKE expects.
 */
export const clusterInput = (z: Z) =>
  z
    .object({
      name: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Name of a cluster in app-config: coderPlatform.clusterActions.clusters[].name (kubeconfig or URL + CA + token) or coderPlatform.clusters[].name (its kubernetes block)',
        ),
      endpoint: z
        .string()
        .min(1)
        .optional()
        .describe(
          'API server endpoint, as output by gcp:gke:cluster (an IP or https URL); authenticated with a Google access token from Application Default Credentials',
        ),
      caCertificate: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Base64-encoded PEM CA certificate of the API server, as output by gcp:gke:cluster',
        ),
    })
    .describe(
      'The Kubernetes cluster: either `name` (from app-config) or `endpoint` + `caCertificate` (from gcp:gke:cluster)',
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
