import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import {
  deleteObject,
  ObjectId,
  resolveTarget,
  waitUntilGone,
} from './deletion';
import { clusterInput, Z } from './inputProperties';
import { examples } from './kubernetesDelete.examples';
import { describeObject, ObjectApi } from './kubernetes';
import { throwIfAborted } from './util';

const objectId = (z: Z) =>
  z.object({
    apiVersion: z.string().describe('apiVersion of the object'),
    kind: z.string().describe('Kind of the object'),
    name: z.string().describe('Name of the object'),
    namespace: z
      .string()
      .optional()
      .describe('Namespace of the object (namespaced kinds)'),
  });

const label = (id: ObjectId) =>
  describeObject({
    apiVersion: id.apiVersion,
    kind: id.kind,
    metadata: { name: id.name, namespace: id.namespace },
  });

/**
 * `kubernetes:delete`: deletes objects by kind and name(s) or label selector
 * (e.g. the user namespaces, label `user-namespace=1`, then the app
 * namespaces) and waits until each entry's objects are gone before the next
 * entry, so disks and load balancers are released before the cluster goes.
 */
export function createKubernetesDeleteAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'kubernetes:delete',
    description:
      'Deletes Kubernetes objects by kind and name(s) or label selector, entry by entry, waiting until each entry is gone (bounded). Objects already gone are skipped, so a re-run is a no-op; a dry run lists what would be deleted.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        objects: z =>
          z
            .array(
              z.object({
                apiVersion: z
                  .string()
                  .min(1)
                  .optional()
                  .describe('apiVersion of the kind, e.g. apps/v1; default v1'),
                kind: z
                  .string()
                  .min(1)
                  .describe('Kind to delete, e.g. Namespace'),
                name: z
                  .string()
                  .min(1)
                  .optional()
                  .describe('Name of one object (or use names)'),
                names: z
                  .array(z.string().min(1))
                  .optional()
                  .describe('Names of several objects'),
                namespace: z
                  .string()
                  .optional()
                  .describe(
                    'Namespace of the objects; required for namespaced kinds, not allowed for cluster-scoped ones',
                  ),
                labelSelector: z
                  .string()
                  .min(1)
                  .optional()
                  .describe(
                    'Instead of names: a label selector, e.g. user-namespace=1',
                  ),
              }),
            )
            .min(1)
            .describe(
              'What to delete, in order: each entry is deleted and waited for before the next. System namespaces (default, kube-*) are refused',
            ),
        propagationPolicy: z =>
          z
            .enum(['Background', 'Foreground', 'Orphan'])
            .optional()
            .describe(
              'What happens to dependents (owner references); default Background',
            ),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until the objects are gone; default true'),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .positive()
            .max(3600)
            .optional()
            .describe('How long to wait for each entry; default 300'),
      },
      output: {
        deleted: z =>
          z
            .array(objectId(z))
            .describe(
              'Objects this run deleted (in a dry run: would delete), in order',
            ),
        absent: z =>
          z
            .array(objectId(z))
            .describe('Named objects that did not exist (already deleted)'),
        changed: z =>
          z
            .number()
            .describe(
              'How many objects this run deleted (0 in a dry run; all lists are empty for a planned cluster not created yet)',
            ),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const cluster = resolveCluster(input.cluster, options);
      if (
        await plannedCluster(ctx, cluster, 'delete nothing (no objects yet)')
      ) {
        // Planned values: a cluster not created yet holds no objects.
        ctx.output('deleted', []);
        ctx.output('absent', []);
        ctx.output('changed', 0);
        return;
      }
      const api = ObjectApi.create(await cluster.kubeConfig());
      const policy = input.propagationPolicy ?? 'Background';
      const deleted: ObjectId[] = [];
      const absent: ObjectId[] = [];
      const strip = ({
        terminating: _t,
        ...id
      }: ObjectId & { terminating?: boolean }) => id;

      // Check every entry (fields, kinds, system namespaces) before the
      // first delete, so a bad later entry never leaves a half teardown.
      for (const [i, target] of input.objects.entries()) {
        await resolveTarget(api, target, `objects[${i}]`);
      }
      for (const [i, target] of input.objects.entries()) {
        throwIfAborted(signal);
        const field = `objects[${i}]`;
        const found = await resolveTarget(api, target, field);
        if (found.unserved) {
          logger.warn(`${field}: ${found.unserved}`);
          continue;
        }
        absent.push(...found.absent);
        for (const gone of found.absent) {
          logger.info(`${label(gone)} is already gone`);
        }
        if (found.existing.length === 0 && target.labelSelector) {
          logger.info(
            `${field}: no ${target.kind} matches labelSelector "${target.labelSelector}"`,
          );
        }
        if (ctx.isDryRun) {
          for (const obj of found.existing) {
            logger.info(
              obj.terminating
                ? `dry run: ${label(
                    obj,
                  )} is already being deleted; would wait for it`
                : `dry run: would delete ${label(obj)}`,
            );
            if (!obj.terminating) deleted.push(strip(obj));
          }
          continue;
        }
        for (const obj of found.existing) {
          if (obj.terminating) {
            logger.info(`${label(obj)} is already being deleted`);
            continue;
          }
          throwIfAborted(signal);
          const sent = await ctx.checkpoint({
            key: `kubernetes:delete:${input.cluster}:${obj.apiVersion}:${
              obj.kind
            }:${obj.namespace ?? ''}:${obj.name}`,
            fn: () => deleteObject(api, obj, policy),
          });
          if (sent) {
            logger.info(`deleted ${label(obj)}`);
            deleted.push(strip(obj));
          } else {
            logger.info(`${label(obj)} was already gone`);
          }
        }
        if ((input.wait ?? true) && found.existing.length > 0) {
          logger.info(
            `waiting for ${found.existing.length} ${target.kind} object(s) to be gone`,
          );
          await waitUntilGone(api, found.existing.map(strip), {
            timeoutMs: (input.timeoutSeconds ?? 300) * 1000,
            pollMs: options.pollIntervalMs ?? 1000,
            signal,
          });
        }
      }

      logger.info(
        `kubernetes:delete: ${ctx.isDryRun ? 'would delete' : 'deleted'} ${
          deleted.length
        } object(s); ${absent.length} already gone`,
      );
      ctx.output('deleted', deleted);
      ctx.output('absent', absent);
      ctx.output('changed', ctx.isDryRun ? 0 : deleted.length);
    },
  });
}
