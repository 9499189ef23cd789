import { InputError } from '@backstage/errors';
import {
  createKeycloakAdminClient,
  createKeycloakAdminPasswordClient,
} from '@coder-platform/plugin-coder-platform-node';
import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { ClusterActionsOptions } from './clusterAccess';
import { Z } from './inputProperties';
import { isTransient, withRetry } from './util';

/** The `keycloak` input of keycloak:realm and keycloak:client. */
export interface KeycloakRef {
  baseUrl?: string;
  adminUsername?: string;
  adminPasswordSecret?: string;
  name?: string;
}

export const keycloakInput = (z: Z) =>
  z
    .object({
      baseUrl: z
        .string()
        .url()
        .optional()
        .describe(
          'Keycloak base URL, e.g. https://keycloak.dev.example.com; the admin logs in to the master realm through admin-cli',
        ),
      adminUsername: z
        .string()
        .optional()
        .describe('Admin user of the master realm; default admin'),
      adminPasswordSecret: z
        .string()
        .optional()
        .describe(
          'Name of the task secret holding the admin password; default keycloakAdminPassword',
        ),
      name: z
        .string()
        .optional()
        .describe(
          'Instead of baseUrl: a cluster in app-config (coderPlatform.clusters[].keycloak) whose confidential client has realm-management roles',
        ),
    })
    .describe('How to reach Keycloak as an administrator');

/** Logs in to Keycloak as described by the input, app-config and task secrets. */
export async function connectKeycloak(
  ref: KeycloakRef | undefined,
  secrets: Record<string, string> | undefined,
  options: ClusterActionsOptions,
): Promise<KeycloakAdminClient> {
  if (ref?.name) {
    const cluster = (
      options.config.getOptionalConfigArray('coderPlatform.clusters') ?? []
    ).find(c => c.getOptionalString('name') === ref.name);
    const kc = cluster?.getOptionalConfig('keycloak');
    if (!kc) {
      throw new InputError(
        `keycloak.name "${ref.name}" has no keycloak block in coderPlatform.clusters of app-config`,
      );
    }
    return createKeycloakAdminClient({
      baseUrl: kc.getString('baseUrl'),
      realm: kc.getOptionalString('loginRealm') ?? 'master',
      loginRealm: kc.getOptionalString('loginRealm'),
      clientId: kc.getString('clientId'),
      clientSecret: kc.getString('clientSecret'),
    });
  }
  if (!ref?.baseUrl) {
    throw new InputError(
      'keycloak: give keycloak.baseUrl (with the admin password in a task secret) or keycloak.name (a cluster in app-config)',
    );
  }
  const secretName = ref.adminPasswordSecret ?? 'keycloakAdminPassword';
  const password = secrets?.[secretName];
  if (!password) {
    throw new InputError(
      `keycloak: the task secret "${secretName}" with the Keycloak admin password is missing`,
    );
  }
  return createKeycloakAdminPasswordClient({
    baseUrl: ref.baseUrl,
    username: ref.adminUsername ?? 'admin',
    password,
  });
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
