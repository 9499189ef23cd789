import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterActionsOptions,
  fieldManager,
  managedSecretLabels,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { clusterInput, namespaceName, Z } from './inputProperties';
import { examples } from './kubernetesSecret.examples';
import { applySecret, kubeErrorMessage, ObjectApi } from './kubernetes';
import {
  CHARSET_NAMES,
  Charset,
  generateSecretValue,
  KeySource,
  SecretPlanSummary,
  summarise,
} from './secretValues';
import { digest, sleep, throwIfAborted } from './util';

const secretName = (z: Z) =>
  z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
      'must be a lowercase RFC 1123 subdomain',
    )
    .max(253);

const dataKey = (z: Z) =>
  z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/, 'letters, digits, -, _ and . only')
    .max(253);

type Plan = {
  data: Record<string, string>;
  sources: Record<string, KeySource>;
  /** Keys the copy source does not have (yet). */
  missing: string[];
};

/**
 * `kubernetes:secret`: a Secret whose values are generated when absent (never
 * rotated unless `rotate: true`), taken from a task secret when the user
 * supplied one, or copied from another Secret (e.g. the Zalando-generated
 * database passwords in `postgres` into `keycloak` and `coder`). Always
 * labelled `coder-platform.io/managed: "true"`. Values never reach logs,
 * outputs, errors or checkpoint state: only key names do.
 */
export function createKubernetesSecretAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'kubernetes:secret',
    description:
      'Writes a Kubernetes Secret whose keys are generated when absent (never rotated unless rotate: true), supplied through task secrets, or copied from another Secret (keys can be renamed); labelled coder-platform.io/managed. Values never appear in logs or outputs.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: clusterInput,
        name: z => secretName(z).describe('Name of the Secret to write'),
        namespace: z =>
          namespaceName(z).describe(
            'Namespace of the Secret; created when missing',
          ),
        generate: z =>
          z
            .array(
              z.object({
                key: dataKey(z).describe('Key inside the Secret'),
                length: z
                  .number()
                  .int()
                  .min(8)
                  .max(4096)
                  .optional()
                  .describe('Characters in a generated value; default 32'),
                charset: z
                  .enum(CHARSET_NAMES)
                  .optional()
                  .describe(
                    'Alphabet of a generated value: alphanumeric (default), lowercase (a-z0-9), hex, base64url, or symbols (alphanumeric plus !%+,-./:=?@^_~)',
                  ),
                taskSecret: z
                  .string()
                  .min(1)
                  .optional()
                  .describe(
                    'Name of a task secret (a ui:field: Secret form field); when the user supplied it, its value is written instead of a generated one',
                  ),
              }),
            )
            .optional()
            .describe(
              'Keys with random values: generated when the Secret lacks them, kept on re-runs',
            ),
        literals: z =>
          z
            .record(dataKey(z), z.string())
            .optional()
            .describe(
              'Keys with fixed, non-secret values written as given (e.g. username: admin); they are template input and appear in the task log, so never put a secret here',
            ),
        copyFrom: z =>
          z
            .object({
              namespace: namespaceName(z).describe(
                'Namespace of the source Secret',
              ),
              name: secretName(z).describe('Name of the source Secret'),
              keys: z
                .array(
                  z.object({
                    key: dataKey(z).describe('Key in the source Secret'),
                    as: dataKey(z)
                      .optional()
                      .describe('Key in the target Secret; default the same'),
                  }),
                )
                .min(1)
                .describe('Keys to copy'),
              timeoutSeconds: z
                .number()
                .int()
                .min(0)
                .max(3600)
                .optional()
                .describe(
                  'Wait this long for the source Secret and its keys to appear (an operator creates it); default 0',
                ),
            })
            .optional()
            .describe(
              'Another Secret of the same cluster to copy keys from; it must carry the managed label or be listed in coderPlatform.clusterActions.readableSecrets. Copied keys follow the source on every run',
            ),
        rotate: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Generate new values for every generated key even when present; default false',
            ),
        labels: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe(
              'Extra labels of the Secret (coder-platform.io/managed is always set)',
            ),
      },
      output: {
        secretName: z =>
          z.string().describe('namespace/name of the Secret written'),
        keys: z =>
          z.array(z.string()).describe('Every key written, sorted (no values)'),
        generated: z =>
          z
            .array(z.string())
            .describe('Keys that got a new random value in this run'),
        supplied: z =>
          z
            .array(z.string())
            .describe('Keys written from a task secret the user supplied'),
        copied: z =>
          z
            .array(z.string())
            .describe('Keys copied from copyFrom (their target names)'),
        changed: z =>
          z
            .boolean()
            .describe(
              'Whether this run created or changed the Secret (false in a dry run; for a planned cluster not created yet the key lists are the planned ones)',
            ),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const generate = input.generate ?? [];
      const literals = input.literals ?? {};
      const copies = input.copyFrom?.keys ?? [];
      if (
        generate.length + copies.length + Object.keys(literals).length ===
        0
      ) {
        throw new InputError(
          'kubernetes:secret: give generate, literals or copyFrom (or several)',
        );
      }
      const seen = new Map<string, string>();
      const claim = (key: string, field: string) => {
        if (seen.has(key)) {
          throw new InputError(
            `kubernetes:secret: ${field}: key "${key}" is already written by ${seen.get(
              key,
            )}`,
          );
        }
        seen.set(key, field);
      };
      generate.forEach((g, i) => claim(g.key, `generate[${i}].key`));
      Object.keys(literals).forEach(k => claim(k, `literals.${k}`));
      copies.forEach((c, i) => claim(c.as ?? c.key, `copyFrom.keys[${i}]`));
      const target = { namespace: input.namespace, name: input.name };
      const where = `${target.namespace}/${target.name}`;
      const source = input.copyFrom && {
        namespace: input.copyFrom.namespace,
        name: input.copyFrom.name,
      };
      if (
        source &&
        source.namespace === target.namespace &&
        source.name === target.name
      ) {
        throw new InputError(
          'kubernetes:secret: copyFrom names the Secret being written',
        );
      }

      const cluster = resolveCluster(input.cluster, options);
      const registry = cluster.secrets;
      const supplied = (taskSecret?: string) =>
        registry.add(
          taskSecret ? ctx.secrets?.[taskSecret] || undefined : undefined,
        );
      if (await plannedCluster(ctx, cluster, `write Secret ${where}`)) {
        // Planned values: a new cluster has no Secret to keep or copy yet.
        const planned: Record<string, KeySource> = {};
        for (const g of generate) {
          planned[g.key] = supplied(g.taskSecret) ? 'supplied' : 'generated';
        }
        for (const k of Object.keys(literals)) planned[k] = 'literal';
        for (const c of copies) planned[c.as ?? c.key] = 'copied';
        const s = summarise(planned);
        ctx.output('secretName', where);
        ctx.output('keys', s.keys);
        ctx.output('generated', s.generated);
        ctx.output('supplied', s.supplied);
        ctx.output('copied', s.copied);
        ctx.output('changed', false);
        return;
      }
      const api = ObjectApi.create(await cluster.kubeConfig());

      /** Reads what exists and decides every key; generates values only when `withValues`. */
      const plan = async (withValues: boolean): Promise<Plan> => {
        const data: Record<string, string> = {};
        const sources: Record<string, KeySource> = {};
        for (const g of generate) {
          const own = supplied(g.taskSecret);
          // Read through the cluster model: a Secret the suite did not
          // write (no managed label) is refused here, never overwritten.
          const existing = await cluster.readSecret(target, g.key, {
            field: 'kubernetes:secret name',
          });
          if (own !== undefined) {
            data[g.key] = own;
            sources[g.key] = 'supplied';
          } else if (existing !== undefined && !input.rotate) {
            data[g.key] = existing;
            sources[g.key] = 'kept';
          } else {
            if (withValues) {
              data[g.key] = registry.add(
                generateSecretValue(
                  g.length ?? 32,
                  (g.charset ?? 'alphanumeric') as Charset,
                ),
              );
            }
            sources[g.key] = 'generated';
          }
        }
        if (generate.length === 0) {
          // Still refuse to take over a Secret the suite did not write.
          await cluster.readSecret(target, [...seen.keys()][0], {
            field: 'kubernetes:secret name',
          });
        }
        for (const [k, v] of Object.entries(literals)) {
          data[k] = v;
          sources[k] = 'literal';
        }
        const missing: string[] = [];
        for (const c of copies) {
          const value = await cluster.readSecret(source!, c.key, {
            field: 'kubernetes:secret copyFrom',
          });
          if (value === undefined) missing.push(c.key);
          else {
            data[c.as ?? c.key] = value;
            sources[c.as ?? c.key] = 'copied';
          }
        }
        return { data, sources, missing };
      };

      const describeSources = (s: SecretPlanSummary) =>
        [
          s.generated.length && `generated ${s.generated.join(', ')}`,
          s.supplied.length && `supplied ${s.supplied.join(', ')}`,
          s.copied.length &&
            `copied ${s.copied.join(', ')} from ${source!.namespace}/${
              source!.name
            }`,
          s.kept.length && `kept ${s.kept.join(', ')}`,
        ]
          .filter(Boolean)
          .join('; ');

      if (ctx.isDryRun) {
        const p = await plan(false);
        const s = summarise(p.sources);
        for (const key of p.missing) {
          s.copied.push(copies.find(c => c.key === key)!.as ?? key);
        }
        s.copied.sort();
        if (p.missing.length > 0) {
          logger.info(
            `dry run: source Secret ${source!.namespace}/${
              source!.name
            } lacks ${p.missing.join(', ')} now; would wait up to ${
              input.copyFrom?.timeoutSeconds ?? 0
            }s for it`,
          );
        }
        logger.info(
          `dry run: would write Secret ${where}: ${describeSources(s)}`,
        );
        ctx.output('secretName', where);
        ctx.output('keys', [...new Set([...s.keys, ...s.copied])].sort());
        ctx.output('generated', s.generated);
        ctx.output('supplied', s.supplied);
        ctx.output('copied', s.copied);
        ctx.output('changed', false);
        return;
      }

      throwIfAborted(signal);
      const timeoutMs = (input.copyFrom?.timeoutSeconds ?? 0) * 1000;
      const { result, summary } = await ctx.checkpoint({
        key: `kubernetes:secret:${cluster.name}:${where}:${digest({
          generate: generate.map(g => ({ ...g, taskSecret: undefined })),
          supplied: generate.map(g => Boolean(supplied(g.taskSecret))),
          literals,
          copyFrom: input.copyFrom,
          rotate: input.rotate ?? false,
        })}`,
        // Only names leave this function: checkpoint state is stored.
        fn: async () => {
          const deadline = Date.now() + timeoutMs;
          let p = await plan(true);
          while (p.missing.length > 0) {
            if (Date.now() >= deadline) {
              throw new Error(
                `kubernetes:secret: source Secret ${source!.namespace}/${
                  source!.name
                } has no key ${p.missing.join(', ')} (or does not exist)${
                  timeoutMs ? ` after waiting ${timeoutMs / 1000}s` : ''
                }; set copyFrom.timeoutSeconds when an operator creates it`,
              );
            }
            await sleep(options.pollIntervalMs ?? 1000, signal);
            p = await plan(true);
          }
          let written;
          try {
            written = await applySecret(
              api,
              target,
              p.data,
              fieldManager(options.config),
              { ...input.labels, ...managedSecretLabels },
            );
          } catch (error) {
            throw new Error(
              `kubernetes:secret: writing Secret ${where} failed: ${registry.redact(
                kubeErrorMessage(error),
              )}`,
            );
          }
          return { result: written, summary: summarise(p.sources) };
        },
      });
      logger.info(`${result} Secret ${where}: ${describeSources(summary)}`);
      ctx.output('secretName', where);
      ctx.output('keys', summary.keys);
      ctx.output('generated', summary.generated);
      ctx.output('supplied', summary.supplied);
      ctx.output('copied', summary.copied);
      ctx.output('changed', result !== 'unchanged');
    },
  });
}
