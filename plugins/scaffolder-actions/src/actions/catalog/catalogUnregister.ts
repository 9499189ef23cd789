import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import {
  CatalogAccess,
  CatalogEntity,
  CatalogRequestOptions,
} from './catalogAccess';
import { examples } from './catalogUnregister.examples';

export const CATALOG_UNREGISTER_ACTION_ID = 'coder-platform:catalog:unregister';

const ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';
const ORPHAN = 'backstage.io/orphan';
const ENTITY_REF = /^[a-zA-Z][-\w]*:(?:[-\w.]+\/)?[-\w.]+$/;

const refOf = (e: CatalogEntity) =>
  `${e.kind.toLocaleLowerCase('en-US')}:${e.metadata.namespace ?? 'default'}/${
    e.metadata.name
  }`;

/** Normalises `kind:name` / `Kind:ns/name` to `kind:ns/name`. */
const normaliseRef = (ref: string) => {
  const [kind, rest] = [
    ref.slice(0, ref.indexOf(':')),
    ref.slice(ref.indexOf(':') + 1),
  ];
  const full = rest.includes('/') ? rest : `default/${rest}`;
  return `${kind.toLocaleLowerCase('en-US')}:${full}`;
};

/** A NotFoundError, or the catalog client's ResponseError of a 404. */
const isNotFound = (error: unknown) => {
  const e = error as { name?: string; response?: { status?: number } };
  return e?.name === 'NotFoundError' || e?.response?.status === 404;
};

/** Options of {@link createCatalogUnregisterAction}. */
export type CatalogActionsOptions = { catalog: CatalogAccess };

/**
 * `coder-platform:catalog:unregister`: removes an entity from the catalog the
 * way the catalog's own "Unregister entity" dialog does - by unregistering
 * the location that registered it (which removes what that location
 * holds), or, when it has no registered location of its own, by deleting
 * the entity by uid - with the task initiator's credentials, so the
 * catalog's permissions apply to the user who runs the template. Absent
 * entity: nothing to do.
 */
export function createCatalogUnregisterAction(options: CatalogActionsOptions) {
  return createTemplateAction({
    id: CATALOG_UNREGISTER_ACTION_ID,
    description:
      "Removes an entity from the catalog as the task's user: unregisters the location that registered it, or deletes it by uid when it has no registered location. Checks its spec.type and annotations first; a re-run after it is gone does nothing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .regex(
              ENTITY_REF,
              'must be an entity ref such as resource:default/dev',
            )
            .describe(
              'The entity to remove, e.g. resource:default/dev (namespace default when omitted).',
            ),
        expectedType: z =>
          z
            .string()
            .min(1)
            .optional()
            .describe(
              'Refuse unless the entity has this spec.type (e.g. coder-cluster), so a typo never removes another entity.',
            ),
        expectedAnnotations: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe(
              'Refuse unless the entity carries these annotations with these values (e.g. coder-platform.io/cluster: dev).',
            ),
        removeColocated: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'The location that registered the entity may register others too; unregistering it removes them all. false (default): refuse and name them; true: remove them with it.',
            ),
      },
      output: {
        entityRef: z => z.string().describe('The entity ref, normalised.'),
        found: z =>
          z.boolean().describe('Whether the entity was in the catalog.'),
        method: z =>
          z
            .enum(['location', 'entity', 'none'])
            .describe(
              'location: its location was unregistered; entity: it was deleted by uid (no registered location of its own); none: it was not there.',
            ),
        location: z =>
          z
            .string()
            .optional()
            .describe(
              'The unregistered location (type:target), with method location.',
            ),
        removedEntities: z =>
          z
            .array(z.string())
            .describe(
              'Entity refs removed (in a dry run: that would be removed), including Location entities of an unregistered location.',
            ),
        changed: z =>
          z
            .boolean()
            .describe(
              'Whether this run removed anything (false in a dry run and on a re-run).',
            ),
      },
    },
    async handler(ctx) {
      const input = {
        ...ctx.input,
        removeColocated: ctx.input.removeColocated ?? false,
      };
      // Not only strings reach here when the schema was not applied: a value
      // without toString (an object of null prototype) must be refused too.
      const given: unknown = input.entityRef;
      if (typeof given !== 'string' || !ENTITY_REF.test(given)) {
        throw new InputError(
          `entityRef: ${
            JSON.stringify(given) ?? String(given)
          } is not an entity ref such as resource:default/dev`,
        );
      }
      const entityRef = normaliseRef(input.entityRef);
      const dry = ctx.isDryRun ? '[dry run] ' : '';
      const request: CatalogRequestOptions = {
        credentials: await ctx.getInitiatorCredentials(),
      };
      const catalogCall = async <T>(what: string, fn: () => Promise<T>) => {
        try {
          return await fn();
        } catch (error) {
          const e = error as Error;
          const hint =
            e.name === 'NotAllowedError' ||
            (e as { response?: { status?: number } }).response?.status === 403
              ? `; the user who runs the task needs the catalog permissions to read and delete ${entityRef} (and to unregister its location)`
              : '';
          throw new Error(
            `${CATALOG_UNREGISTER_ACTION_ID}: could not ${what}: ${redact(
              e.message,
            )}${hint}`,
          );
        }
      };

      const entity = await catalogCall(`read ${entityRef}`, () =>
        options.catalog.getEntityByRef(entityRef, request),
      );
      ctx.output('entityRef', entityRef);
      if (!entity) {
        ctx.logger.info(
          `${dry}${entityRef}: not in the catalog, nothing to do`,
        );
        ctx.output('found', false);
        ctx.output('method', 'none');
        ctx.output('removedEntities', []);
        ctx.output('changed', false);
        return;
      }
      ctx.output('found', true);
      if (
        input.expectedType !== undefined &&
        entity.spec?.type !== input.expectedType
      ) {
        throw new InputError(
          `expectedType: ${entityRef} has spec.type ${String(
            entity.spec?.type ?? '(none)',
          )}, not ${input.expectedType}; it is left in the catalog`,
        );
      }
      const annotations = entity.metadata.annotations ?? {};
      for (const [key, value] of Object.entries(
        input.expectedAnnotations ?? {},
      )) {
        if (annotations[key] !== value) {
          throw new InputError(
            `expectedAnnotations: ${entityRef} has ${key}: ${
              annotations[key] ?? '(absent)'
            }, not ${value}; it is left in the catalog`,
          );
        }
      }

      const origin = annotations[ORIGIN_LOCATION];
      const location =
        origin && origin !== 'bootstrap:bootstrap'
          ? await catalogCall(`find the location of ${entityRef}`, () =>
              options.catalog
                .getLocationByEntity(entityRef, request)
                .catch(error => {
                  if (isNotFound(error)) return undefined;
                  throw error;
                }),
            )
          : undefined;

      if (location) {
        // A location URL never carries a credential, but the log goes through the one redact anyway.
        const where = redact(`${location.type}:${location.target}`);
        const { items } = await catalogCall(
          `list the entities of ${where}`,
          () =>
            options.catalog.getEntities(
              {
                filter: {
                  [`metadata.annotations.${ORIGIN_LOCATION}`]: origin!,
                },
                fields: ['kind', 'metadata.name', 'metadata.namespace'],
              },
              request,
            ),
        );
        const removed = [...new Set([entityRef, ...items.map(refOf)])].sort();
        const others = removed.filter(
          r => r !== entityRef && !r.startsWith('location:'),
        );
        if (others.length && !input.removeColocated) {
          throw new Error(
            `${CATALOG_UNREGISTER_ACTION_ID}: ${where} registers ${others.join(
              ', ',
            )} as well as ${entityRef}; unregistering it would remove them too. Set removeColocated: true to remove them all, or take ${entityRef} out of that file (the catalog then orphans it) and run again.`,
          );
        }
        ctx.logger.info(
          `${dry}${entityRef}: unregister location ${where} (removes ${removed.join(
            ', ',
          )})`,
        );
        if (!ctx.isDryRun) {
          await ctx.checkpoint({
            key: `catalog.unregister.location.${location.id}`,
            fn: () =>
              catalogCall(`unregister ${where}`, () =>
                options.catalog
                  .removeLocationById(location.id, request)
                  .catch(error => {
                    if (!isNotFound(error)) throw error;
                  }),
              ),
          });
        }
        ctx.output('method', 'location');
        ctx.output('location', where);
        ctx.output('removedEntities', removed);
        ctx.output('changed', !ctx.isDryRun);
        return;
      }

      const uid = entity.metadata.uid;
      if (!uid) {
        throw new Error(
          `${CATALOG_UNREGISTER_ACTION_ID}: the catalog answered ${entityRef} without metadata.uid; cannot delete it`,
        );
      }
      if (annotations[ORPHAN] !== 'true') {
        ctx.logger.warn(
          `${entityRef} comes from ${
            origin ?? 'no recorded location'
          }, which is not a location registered in the catalog (app-config catalog.locations or an entity provider): deleting it by uid lasts only until that source emits it again; remove it there too`,
        );
      }
      ctx.logger.info(`${dry}${entityRef}: delete the entity (uid ${uid})`);
      if (!ctx.isDryRun) {
        await ctx.checkpoint({
          key: `catalog.unregister.entity.${uid}`,
          fn: () =>
            catalogCall(`delete ${entityRef}`, () =>
              options.catalog.removeEntityByUid(uid, request).catch(error => {
                if (!isNotFound(error)) throw error;
              }),
            ),
        });
      }
      ctx.output('method', 'entity');
      ctx.output('removedEntities', [entityRef]);
      ctx.output('changed', !ctx.isDryRun);
    },
  });
}
