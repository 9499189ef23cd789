import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { clusterInput } from './inputProperties';
import {
  connectClusterKeycloak,
  keycloakErrorMessage,
  retryKeycloak,
} from './keycloakAccess';
import { examples } from './keycloakGroup.examples';
import { throwIfAborted } from './util';

interface GroupSpec {
  name: string;
  clientRoles?: { clientId: string; roles: string[] }[];
}

interface GroupPlan {
  name: string;
  id?: string;
  /** `clientId/role` mappings the group lacks. */
  missing: { clientId: string; clientUuid?: string; role: string }[];
}

/** Finds a top-level group by exact name; Keycloak's search also matches subgroups. */
async function findGroup(
  kc: KeycloakAdminClient,
  realm: string,
  name: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const found = await retryKeycloak(
    () =>
      kc.groups.find({
        realm,
        search: name,
        exact: true,
        briefRepresentation: true,
      }),
    signal,
  );
  return found.find(
    g => g.name === name && (g.path ?? `/${name}`) === `/${name}`,
  )?.id;
}

/**
 * `keycloak:group`: top-level groups of a realm (e.g. `grafana-admin`,
 * `grafana-dev` for Grafana's role mapping) with client-role mappings;
 * missing client roles are created on their client. Get-or-create: mappings
 * not listed are left alone, so a re-run changes nothing.
 */
export function createKeycloakGroupAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'keycloak:group',
    description:
      'Creates groups in a Keycloak realm and maps client roles to them (creating missing roles on the client). Existing groups and mappings are kept, so a re-run is a no-op.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          clusterInput(z).describe(
            'The cluster whose Keycloak to administer (URL and admin identity from the cluster model)',
          ),
        realm: z =>
          z.string().min(1).describe('Realm of the groups, e.g. example-com'),
        groups: z =>
          z
            .array(
              z.object({
                name: z
                  .string()
                  .min(1)
                  .max(255)
                  .regex(/^[^/]+$/, 'a top-level group name, without /')
                  .describe('Group name, e.g. grafana-admin'),
                clientRoles: z
                  .array(
                    z.object({
                      clientId: z
                        .string()
                        .min(1)
                        .describe(
                          'Client id whose roles to map, e.g. grafana (created by keycloak:client)',
                        ),
                      roles: z
                        .array(z.string().min(1))
                        .min(1)
                        .describe(
                          'Client roles to map to the group; created on the client when missing',
                        ),
                    }),
                  )
                  .optional()
                  .describe('Client roles the group members get'),
              }),
            )
            .min(1)
            .describe('Groups to create, with their client-role mappings'),
      },
      output: {
        groups: z =>
          z
            .array(
              z.object({
                name: z.string().describe('Group name'),
                id: z
                  .string()
                  .optional()
                  .describe(
                    'Keycloak id of the group (absent in a dry run of a new group)',
                  ),
                created: z
                  .boolean()
                  .describe('Whether this run created the group'),
                addedRoles: z
                  .array(z.string())
                  .describe('clientId/role mappings this run added'),
              }),
            )
            .describe('Every group, in input order'),
        changed: z =>
          z
            .boolean()
            .describe('Whether this run created a group, a role or a mapping'),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const realm = input.realm;
      const names = input.groups.map(g => g.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) {
        throw new InputError(
          `keycloak:group: groups: "${dup}" is listed twice`,
        );
      }
      if (
        await plannedCluster(
          ctx,
          resolveCluster(input.cluster, options),
          `create groups ${names
            .map(n => `"${n}"`)
            .join(', ')} in Keycloak realm "${realm}"`,
        )
      ) {
        // Planned values: no group exists yet, so none has an id.
        ctx.output(
          'groups',
          names.map(name => ({ name, created: false, addedRoles: [] })),
        );
        ctx.output('changed', false);
        return;
      }
      const { client: kc, cluster } = await connectClusterKeycloak(
        input.cluster,
        options,
      );
      const fail = (what: string) => (error: unknown) => {
        throw new Error(
          `keycloak:group: ${what} in realm "${realm}" of cluster "${
            cluster.name
          }" failed: ${cluster.secrets.redact(keycloakErrorMessage(error))}`,
        );
      };

      const clients = new Map<string, string | undefined>();
      const clientUuid = async (clientId: string) => {
        if (!clients.has(clientId)) {
          const found = await retryKeycloak(
            () => kc.clients.find({ realm, clientId }),
            signal,
          ).catch(fail(`reading client "${clientId}"`));
          if (found.length > 1) {
            throw new Error(
              `keycloak:group: ${found.length} clients named "${clientId}" in realm "${realm}"; expected one`,
            );
          }
          clients.set(clientId, found[0]?.id);
        }
        return clients.get(clientId);
      };
      const roleExists = new Map<string, boolean>();

      const plans: GroupPlan[] = [];
      for (const group of input.groups as GroupSpec[]) {
        throwIfAborted(signal);
        const id = await findGroup(kc, realm, group.name, signal).catch(
          fail(`reading group "${group.name}"`),
        );
        const plan: GroupPlan = { name: group.name, id, missing: [] };
        for (const mapping of group.clientRoles ?? []) {
          const uuid = await clientUuid(mapping.clientId);
          if (!uuid && !ctx.isDryRun) {
            throw new Error(
              `keycloak:group: group "${group.name}": client "${mapping.clientId}" does not exist in realm "${realm}"; create it with keycloak:client first`,
            );
          }
          const mapped = new Set(
            id && uuid
              ? (
                  await retryKeycloak(
                    () =>
                      kc.groups.listClientRoleMappings({
                        realm,
                        id,
                        clientUniqueId: uuid,
                      }),
                    signal,
                  ).catch(fail(`reading the role mappings of "${group.name}"`))
                ).map(r => r.name)
              : [],
          );
          for (const role of [...new Set(mapping.roles)]) {
            if (!mapped.has(role)) {
              plan.missing.push({
                clientId: mapping.clientId,
                clientUuid: uuid,
                role,
              });
            }
          }
        }
        plans.push(plan);
      }

      if (ctx.isDryRun) {
        for (const p of plans) {
          const roles = p.missing.map(m => `${m.clientId}/${m.role}`);
          if (!p.id) {
            logger.info(
              `dry run: would create group "${p.name}"${
                roles.length ? ` and map ${roles.join(', ')}` : ''
              }`,
            );
          } else if (roles.length) {
            logger.info(
              `dry run: would map ${roles.join(', ')} to group "${p.name}"`,
            );
          } else {
            logger.info(`dry run: group "${p.name}" is up to date`);
          }
        }
        ctx.output(
          'groups',
          plans.map(p => ({
            name: p.name,
            ...(p.id ? { id: p.id } : {}),
            created: false,
            addedRoles: [],
          })),
        );
        ctx.output('changed', false);
        return;
      }

      let changed = false;
      const results = [];
      for (const p of plans) {
        throwIfAborted(signal);
        let id = p.id;
        if (!id) {
          id = await ctx.checkpoint({
            key: `keycloak:group:${cluster.name}:${realm}:${p.name}:create`,
            fn: async () => {
              const again = await findGroup(kc, realm, p.name, signal);
              if (again) return again;
              const made = await kc.groups
                .create({ realm, name: p.name })
                .catch(fail(`creating group "${p.name}"`));
              return made.id;
            },
          });
          logger.info(`created group "${p.name}"`);
          changed = true;
        }
        const byClient = new Map<string, { uuid: string; roles: string[] }>();
        for (const m of p.missing) {
          const uuid = m.clientUuid!;
          const key = `${m.clientId}/${m.role}`;
          if (!roleExists.get(key)) {
            const created = await ctx.checkpoint({
              key: `keycloak:group:${cluster.name}:${realm}:client:${m.clientId}:role:${m.role}`,
              fn: async () => {
                const role = await retryKeycloak(
                  () =>
                    kc.clients.findRole({ realm, id: uuid, roleName: m.role }),
                  signal,
                ).catch(fail(`reading role ${key}`));
                if (role) return false;
                await kc.clients
                  .createRole({ realm, id: uuid, name: m.role })
                  .catch(fail(`creating role ${key}`));
                return true;
              },
            });
            if (created) {
              logger.info(`created client role ${key}`);
              changed = true;
            }
            roleExists.set(key, true);
          }
          const entry = byClient.get(m.clientId) ?? { uuid, roles: [] };
          entry.roles.push(m.role);
          byClient.set(m.clientId, entry);
        }
        const added: string[] = [];
        for (const [clientId, { uuid, roles }] of byClient) {
          await ctx.checkpoint({
            key: `keycloak:group:${cluster.name}:${realm}:${
              p.name
            }:client-roles:${clientId}:${[...roles].sort().join(',')}`,
            fn: async () => {
              const reps: { id: string; name: string }[] = [];
              for (const role of roles) {
                const rep = await retryKeycloak(
                  () =>
                    kc.clients.findRole({ realm, id: uuid, roleName: role }),
                  signal,
                ).catch(fail(`reading role ${clientId}/${role}`));
                reps.push({ id: rep!.id!, name: rep!.name! });
              }
              await retryKeycloak(
                () =>
                  kc.groups.addClientRoleMappings({
                    realm,
                    id: id!,
                    clientUniqueId: uuid,
                    roles: reps,
                  }),
                signal,
              ).catch(fail(`mapping ${clientId} roles to "${p.name}"`));
            },
          });
          added.push(...roles.map(r => `${clientId}/${r}`));
        }
        if (added.length) {
          logger.info(`mapped ${added.join(', ')} to group "${p.name}"`);
          changed = true;
        } else if (p.id) {
          logger.info(`group "${p.name}" is up to date`);
        }
        results.push({ name: p.name, id, created: !p.id, addedRoles: added });
      }
      ctx.output('groups', results);
      ctx.output('changed', changed);
    },
  });
}
