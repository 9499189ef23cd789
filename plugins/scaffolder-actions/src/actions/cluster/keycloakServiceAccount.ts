import type KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { retryKeycloak } from './keycloakAccess';

/** The client whose roles administer a realm (view-users, query-groups, …). */
export const REALM_MANAGEMENT = 'realm-management';

/**
 * Grants the service account of client `id` the given client roles of
 * `realm-management`, get-or-create: roles it holds already are kept, only
 * missing ones are added. Returns the roles added (empty on a re-run). An
 * unknown role name is an error naming it. The client must have
 * `serviceAccountsEnabled`.
 */
export async function ensureServiceAccountRoles(
  kc: KeycloakAdminClient,
  realm: string,
  id: string,
  roles: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  if (roles.length === 0) return [];
  const [management] = await retryKeycloak(
    () => kc.clients.find({ realm, clientId: REALM_MANAGEMENT }),
    signal,
  );
  if (!management?.id) {
    throw new Error(`realm "${realm}" has no ${REALM_MANAGEMENT} client`);
  }
  const user = await retryKeycloak(
    () => kc.clients.getServiceAccountUser({ realm, id }),
    signal,
  );
  if (!user?.id) {
    throw new Error('the client has no service account user');
  }
  const held = await retryKeycloak(
    () =>
      kc.users.listClientRoleMappings({
        realm,
        id: user.id!,
        clientUniqueId: management.id!,
      }),
    signal,
  );
  const missing = [...new Set(roles)].filter(
    r => !held.some(h => h.name === r),
  );
  if (missing.length === 0) return [];
  const reps = [];
  for (const roleName of missing) {
    const role = await retryKeycloak(
      () => kc.clients.findRole({ realm, id: management.id!, roleName }),
      signal,
    ).catch(() => null);
    if (!role?.id) {
      throw new Error(
        `serviceAccountRoles: ${REALM_MANAGEMENT} has no role "${roleName}"`,
      );
    }
    reps.push({ id: role.id, name: role.name! });
  }
  await kc.users.addClientRoleMappings({
    realm,
    id: user.id,
    clientUniqueId: management.id,
    roles: reps,
  });
  return missing.sort();
}
