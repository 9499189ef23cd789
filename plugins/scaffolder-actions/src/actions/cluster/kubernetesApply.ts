import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import {
  ClusterActionsOptions,
  fieldManager,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { clusterInput, namespaceName } from './inputProperties';
import { examples } from './kubernetesApply.examples';
import {
  apiServerUnavailableHint,
  describeObject,
  ensureNamespace,
  isApiServerUnavailable,
  kubeErrorMessage,
  ManifestObject,
  ObjectApi,
  waitForCondition,
} from './kubernetes';
import { digest, throwIfAborted } from './util';

type ApplyResult = 'created' | 'configured' | 'unchanged';

/** Parses multi-document YAML into objects, flattening `kind: List`. */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new InputError(
        `${source}: document ${index + 1} is not valid YAML: ${
          doc.errors[0].message
        }`,
      );
    }
    const value = doc.toJS();
    if (value === null || value === undefined) return;
    const items =
      value.kind === 'List' && Array.isArray(value.items)
        ? value.items
        : [value];
    for (const item of items) {
      if (
        !item ||
        typeof item !== 'object' ||
        typeof item.apiVersion !== 'string' ||
        typeof item.kind !== 'string' ||
        typeof item.metadata?.name !== 'string'
      ) {
        throw new InputError(
          `${source}: document ${
            index + 1
          } needs apiVersion, kind and metadata.name`,
        );
      }
      objects.push(item as ManifestObject);
    }
  });
  if (objects.length === 0) {
    throw new InputError(`${source}: contains no Kubernetes objects`);
  }
  return objects;
}

const isCrd = (o: ManifestObject) =>
  o.kind === 'CustomResourceDefinition' &&
  o.apiVersion.startsWith('apiextensions.k8s.io/');

/**
 * `kubernetes:apply`: server-side apply of multi-document YAML with our field
 * manager. CRDs go first and are waited for until Established; missing
 * namespaces are created; optional waits for conditions afterwards.
 */
export function createKubernetesApplyAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'kubernetes:apply',
    description:
      'Server-side applies multi-document YAML (inline or a workspace file) to a cluster: CRDs first and waited for, namespaces created, optional condition waits. Re-applying unchanged manifests changes nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        manifest: z =>
          z
            .string()
            .optional()
            .describe(
              'Multi-document YAML to apply (give this or manifestPath)',
            ),
        manifestPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Path of a YAML file inside the task workspace (give this or manifest)',
            ),
        namespace: z =>
          namespaceName(z)
            .optional()
            .describe(
              'Namespace for namespaced objects that name none; default "default"',
            ),
        force: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Take ownership of fields another field manager owns (server-side apply force); default false, which fails on conflicts',
            ),
        crdTimeoutSeconds: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe(
              'How long to wait for each CRD to be Established; default 60',
            ),
        waitFor: z =>
          z
            .array(
              z.object({
                apiVersion: z
                  .string()
                  .describe(
                    'apiVersion of the object, e.g. cert-manager.io/v1',
                  ),
                kind: z
                  .string()
                  .describe('Kind of the object, e.g. Certificate'),
                name: z.string().describe('Name of the object'),
                namespace: z
                  .string()
                  .optional()
                  .describe('Namespace of the object (namespaced kinds)'),
                condition: z
                  .string()
                  .optional()
                  .describe('Condition type to wait for; default Ready'),
                status: z
                  .string()
                  .optional()
                  .describe('Condition status to wait for; default "True"'),
                timeoutSeconds: z
                  .number()
                  .int()
                  .positive()
                  .optional()
                  .describe('Give up after this many seconds; default 300'),
              }),
            )
            .optional()
            .describe('Objects whose condition to wait for after applying'),
      },
      output: {
        applied: z =>
          z
            .array(
              z.object({
                apiVersion: z.string().describe('apiVersion of the object'),
                kind: z.string().describe('Kind of the object'),
                name: z.string().describe('Name of the object'),
                namespace: z
                  .string()
                  .optional()
                  .describe('Namespace of the object'),
                result: z
                  .enum(['created', 'configured', 'unchanged'])
                  .describe('What the apply did'),
              }),
            )
            .describe('Every object, in the order applied'),
        changed: z =>
          z
            .number()
            .describe(
              'How many objects were created or configured (0 in a dry run; `applied` is then empty, also for a planned cluster not created yet)',
            ),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      if (Boolean(input.manifest) === Boolean(input.manifestPath)) {
        throw new InputError(
          'kubernetes:apply: give exactly one of manifest or manifestPath',
        );
      }
      let text: string;
      let source: string;
      if (input.manifestPath) {
        const path = resolveSafeChildPath(
          ctx.workspacePath,
          input.manifestPath,
        );
        source = `manifestPath ${input.manifestPath}`;
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new InputError(
            `${source}: cannot read it: ${(error as Error).message}`,
          );
        }
      } else {
        source = 'manifest';
        text = input.manifest!;
      }
      const objects = parseManifests(text, source);
      const manager = fieldManager(options.config);
      const cluster = resolveCluster(input.cluster, options);
      if (
        await plannedCluster(
          ctx,
          cluster,
          `apply ${objects.map(describeObject).join(', ')}`,
        )
      ) {
        // Planned values: nothing is applied in a dry run.
        ctx.output('applied', []);
        ctx.output('changed', 0);
        return;
      }
      const api = ObjectApi.create(await cluster.kubeConfig());
      api.signal = signal;
      const defaultNamespace = input.namespace ?? 'default';
      const crds = objects.filter(isCrd);
      const rest = objects.filter(o => !isCrd(o));

      if (ctx.isDryRun) {
        for (const obj of objects) {
          const existing = await api.readOptional(obj).catch(() => undefined);
          logger.info(
            `dry run: would ${
              existing ? 'apply (update)' : 'create'
            } ${describeObject(obj)}`,
          );
        }
        for (const w of input.waitFor ?? []) {
          logger.info(
            `dry run: would wait for ${w.kind} ${w.name} ${
              w.condition ?? 'Ready'
            }`,
          );
        }
        ctx.output('applied', []);
        ctx.output('changed', 0);
        return;
      }

      const applied: {
        apiVersion: string;
        kind: string;
        name: string;
        namespace?: string;
        result: ApplyResult;
      }[] = [];

      const applyOne = async (obj: ManifestObject) => {
        throwIfAborted(signal);
        const result = await ctx.checkpoint({
          key: `kubernetes:apply:${cluster.name}:${obj.apiVersion}:${
            obj.kind
          }:${obj.metadata.namespace ?? ''}:${obj.metadata.name}:${digest(
            obj,
          )}`,
          fn: async (): Promise<ApplyResult> => {
            try {
              const before = await api.readOptional(obj);
              const after = await api.serverSideApply(
                obj,
                manager,
                input.force ?? false,
              );
              if (!before) return 'created';
              return before.metadata?.resourceVersion ===
                after.metadata?.resourceVersion
                ? 'unchanged'
                : 'configured';
            } catch (error) {
              throwIfAborted(signal);
              const message = cluster.secrets.redact(kubeErrorMessage(error));
              let hint = '';
              if (isApiServerUnavailable(error))
                hint = `; ${apiServerUnavailableHint(cluster.name)}`;
              else if (/conflict/i.test(message))
                hint =
                  '; another field manager owns these fields: set force: true to take them over';
              throw new Error(
                `kubernetes:apply: ${describeObject(obj)} in cluster "${
                  cluster.name
                }" failed: ${message}${hint}`,
              );
            }
          },
        });
        logger.info(`${result} ${describeObject(obj)}`);
        applied.push({
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name,
          ...(obj.metadata.namespace
            ? { namespace: obj.metadata.namespace }
            : {}),
          result,
        });
      };

      for (const crd of crds) await applyOne(crd);
      for (const crd of crds) {
        await waitForCondition(api, crd, 'Established', {
          timeoutMs: (input.crdTimeoutSeconds ?? 60) * 1000,
          signal,
          pollMs: 250,
        });
      }
      if (crds.length > 0) api.forgetDiscovery();

      const namespaces = new Set<string>();
      const declared = new Set(
        rest.filter(o => o.kind === 'Namespace').map(o => o.metadata.name),
      );
      for (const obj of rest) {
        let namespaced: boolean;
        try {
          namespaced = await api.isNamespaced(obj.apiVersion, obj.kind);
        } catch (error) {
          throwIfAborted(signal);
          throw new Error(
            `kubernetes:apply: ${describeObject(obj)} in cluster "${
              cluster.name
            }": ${cluster.secrets.redact(kubeErrorMessage(error))}${
              isApiServerUnavailable(error)
                ? `; ${apiServerUnavailableHint(cluster.name)}`
                : ''
            }`,
          );
        }
        if (namespaced) {
          obj.metadata.namespace = obj.metadata.namespace ?? defaultNamespace;
          namespaces.add(obj.metadata.namespace);
        } else if (obj.metadata.namespace) {
          delete obj.metadata.namespace;
        }
      }
      for (const ns of [...declared])
        await applyOne(
          rest.find(o => o.kind === 'Namespace' && o.metadata.name === ns)!,
        );
      for (const ns of namespaces) {
        if (declared.has(ns)) continue;
        const created = await ctx.checkpoint({
          key: `kubernetes:apply:${cluster.name}:namespace:${ns}`,
          fn: () => ensureNamespace(api, ns, manager),
        });
        if (created) logger.info(`created Namespace ${ns}`);
      }
      for (const obj of rest) {
        if (obj.kind === 'Namespace') continue;
        await applyOne(obj);
      }

      for (const w of input.waitFor ?? []) {
        const condition = w.condition ?? 'Ready';
        logger.info(
          `waiting for ${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${
            w.name
          } ${condition}`,
        );
        await waitForCondition(
          api,
          {
            apiVersion: w.apiVersion,
            kind: w.kind,
            metadata: { name: w.name, namespace: w.namespace },
          },
          condition,
          {
            status: w.status,
            timeoutMs: (w.timeoutSeconds ?? 300) * 1000,
            signal,
          },
        );
      }

      const changed = applied.filter(a => a.result !== 'unchanged').length;
      logger.info(
        `kubernetes:apply: ${applied.length} objects, ${changed} changed`,
      );
      ctx.output('applied', applied);
      ctx.output('changed', changed);
    },
  });
}
