import { InputError } from '@backstage/errors';
import {
  createKeycloakAdminClient,
  createKeycloakAdminPasswordClient,
} from '@coder-platform/plugin-coder-platform-node';
import type { ResolvedCluster } from '@coder-platform/plugin-coder-platform-node';
import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { ClusterActionsOptions, resolveCluster } from './clusterAccess';
import { isTransient, withRetry } from './util';

/**
 * Logs in to the Keycloak of the cluster a template named, as the admin
 * identity of the cluster model: `coderPlatform.clusters[].keycloak.admin`
 * for a configured cluster, or for a GKE-named cluster the Keycloak Ingress
 * host and the admin Secret of that cluster (`coderPlatform.gke.keycloak`).
 * The Keycloak URL and the admin credentials never come from template input.
 */
export async function connectKeycloak(
  cluster: unknown,
  options: ClusterActionsOptions,
  field = 'cluster',
): Promise<KeycloakAdminClient> {
  return (await connectClusterKeycloak(cluster, options, field)).client;
}

/** {@link connectKeycloak}, also returning the resolved cluster (for its secrets). */
export async function connectClusterKeycloak(
  cluster: unknown,
  options: ClusterActionsOptions,
  field = 'cluster',
): Promise<{ client: KeycloakAdminClient; cluster: ResolvedCluster }> {
  const resolved = resolveCluster(cluster, options, field);
  try {
    const admin = await resolved.keycloakAdmin();
    const c = admin.credentials;
    const client =
      c.type === 'password'
        ? await createKeycloakAdminPasswordClient({
            baseUrl: admin.baseUrl,
            loginRealm: admin.loginRealm,
            username: c.username,
            password: c.password,
          })
        : await createKeycloakAdminClient({
            baseUrl: admin.baseUrl,
            realm: admin.loginRealm,
            loginRealm: admin.loginRealm,
            clientId: c.clientId,
            clientSecret: c.clientSecret,
          });
    return { client, cluster: resolved };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new Error(
      `cluster "${
        resolved.name
      }": Keycloak login failed: ${resolved.secrets.redact(
        (error as Error).message,
      )}`,
    );
  }
}

/** Keycloak's error text (its `errorMessage`/`error`), never request bodies. */
export function keycloakErrorMessage(error: unknown): string {
  const e = error as {
    response?: { status?: number };
    responseData?: { errorMessage?: string; error?: string };
    message?: string;
  };
  const data = e.responseData;
  const detail =
    data?.errorMessage ?? data?.error ?? e.message ?? String(error);
  return e.response?.status ? `HTTP ${e.response.status}: ${detail}` : detail;
}

/** 429, 5xx and dropped connections from Keycloak are retried. */
export function isTransientKeycloakError(error: unknown): boolean {
  const e = error as {
    response?: { status?: number };
    code?: unknown;
    cause?: { code?: unknown };
  };
  return isTransient(e?.response?.status, e?.code ?? e?.cause?.code);
}

/** Retries an idempotent Keycloak call (reads, PUTs) on transient failures. */
export function retryKeycloak<T>(
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return withRetry(fn, isTransientKeycloakError, { signal });
}

/**
 * `; Keycloak of cluster "x" is unavailable …; run the task again …` when
 * the failure is Keycloak's (429, 5xx) or the connection's, else ''.
 */
export function keycloakUnavailableHint(
  cluster: string,
  error: unknown,
): string {
  const message = (error as Error)?.message ?? '';
  return isTransientKeycloakError(error) ||
    /fetch failed|terminated|socket|ECONN/i.test(message)
    ? `; the Keycloak of cluster "${cluster}" is unavailable or not reachable (already retried): run the task again once it answers`
    : '';
}
