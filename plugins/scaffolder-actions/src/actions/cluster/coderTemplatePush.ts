import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CoderApiError,
  CoderClient,
  CoderTemplateVersion,
} from '@coder-platform/plugin-coder-platform-node';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { coderUnavailableHint, resolveCoder } from './coderAccess';
import { examples } from './coderTemplatePush.examples';
import { clusterInput } from './inputProperties';
import { tarTemplateDirectory } from './templateArchive';
import { sleep, stableStringify, throwIfAborted } from './util';

const MARKER = 'coder-platform content-sha256:';

/**
 * `coder:template:push`: uploads a template directory, imports it as a new
 * template version (with variable values), streams the provisioner job's
 * logs, then creates the template or promotes the version. Unchanged
 * content and variables create nothing new.
 */
export function createCoderTemplatePushAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'coder:template:push',
    description:
      'Pushes a Coder template from a workspace directory: upload, template version with variables, provisioner job logs streamed, then create the template or promote the version. Unchanged content creates nothing new.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          clusterInput(z).describe(
            'The cluster whose Coder deployment receives the template (its URL comes from the cluster model)',
          ),
        sessionToken: z =>
          z
            .object({
              taskSecret: z
                .string()
                .optional()
                .describe('Name of a task secret holding the token'),
              kubernetesSecret: z
                .object({
                  name: z
                    .string()
                    .describe(
                      'Secret name, e.g. the one coder:bootstrap wrote',
                    ),
                  namespace: z.string().describe('Secret namespace'),
                  key: z
                    .string()
                    .optional()
                    .describe('Key in the Secret; default session-token'),
                })
                .optional()
                .describe(
                  'Read the token from this Secret of the cluster; it must carry coder-platform.io/managed: "true" or be listed in coderPlatform.clusterActions.readableSecrets',
                ),
            })
            .optional()
            .describe(
              "Where the Coder session token comes from; default the cluster's own: coder.token in app-config, else the Secret coder:bootstrap wrote (coder.sessionTokenSecret)",
            ),
        organization: z =>
          z
            .string()
            .optional()
            .describe(
              'Organization name or id; default the default organization',
            ),
        name: z =>
          z
            .string()
            .regex(
              /^[a-zA-Z0-9][a-zA-Z0-9-_]*$/,
              'letters, digits, - and _ only',
            )
            .max(32)
            .describe('Template name, e.g. devbox'),
        displayName: z =>
          z.string().optional().describe('Display name (new templates)'),
        description: z =>
          z.string().optional().describe('Description (new templates)'),
        icon: z =>
          z.string().optional().describe('Icon path or URL (new templates)'),
        defaultTtlMs: z =>
          z
            .number()
            .int()
            .nonnegative()
            .optional()
            .describe('Default workspace TTL in ms (new templates)'),
        directory: z =>
          z
            .string()
            .describe(
              'Template directory inside the task workspace, e.g. coder-templates/devbox',
            ),
        provisioner: z =>
          z
            .enum(['terraform', 'echo'])
            .optional()
            .describe('Provisioner; default terraform'),
        variables: z =>
          z
            .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
            .optional()
            .describe('Terraform variable values of the template'),
        secretVariables: z =>
          z
            .record(z.string(), z.string())
            .optional()
            .describe(
              'Variables whose values come from task secrets: variable name -> task secret name; masked in logs',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe('How long to wait for the provisioner job; default 600'),
      },
      output: {
        templateId: z =>
          z
            .string()
            .describe(
              'Id of the template (empty in a dry run before it exists, e.g. for a planned cluster not created yet)',
            ),
        versionId: z =>
          z
            .string()
            .describe(
              'Id of the active template version (empty in a dry run before it exists)',
            ),
        created: z =>
          z.boolean().describe('Whether this run created the template'),
        changed: z =>
          z.boolean().describe('Whether this run pushed a new version'),
      },
    },
    async handler(ctx) {
      const { input, logger, signal } = ctx;
      const organization = input.organization ?? 'default';
      const dir = resolveSafeChildPath(ctx.workspacePath, input.directory);
      if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
        throw new InputError(
          `coder:template:push: directory ${input.directory} does not exist in the workspace`,
        );
      }
      const variables: { name: string; value: string }[] = Object.entries(
        input.variables ?? {},
      ).map(([name, value]) => ({ name, value: String(value) }));
      const secrets: string[] = [];
      for (const [name, secretName] of Object.entries(
        input.secretVariables ?? {},
      )) {
        const value = ctx.secrets?.[secretName];
        if (value === undefined) {
          throw new InputError(
            `coder:template:push: secretVariables.${name}: the task secret "${secretName}" is missing`,
          );
        }
        secrets.push(value);
        variables.push({ name, value });
      }
      variables.sort((a, b) => a.name.localeCompare(b.name));

      if (
        await plannedCluster(
          ctx,
          resolveCluster(input.cluster, options),
          `create Coder template "${input.name}" from ${input.directory}`,
        )
      ) {
        // Planned values: no template or version exists yet.
        ctx.output('templateId', '');
        ctx.output('versionId', '');
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }
      const { target: coderTarget, cluster } = await resolveCoder(
        input.cluster,
        options,
      );
      secrets.forEach(value => cluster.secrets.add(value));
      let token: string | undefined;
      const tokenRef = input.sessionToken?.kubernetesSecret;
      if (tokenRef) {
        const key = tokenRef.key ?? 'session-token';
        // Checked against the allow-list before the value is used.
        token = await cluster.readSecret(
          { namespace: tokenRef.namespace, name: tokenRef.name },
          key,
          { field: 'sessionToken.kubernetesSecret' },
        );
        if (!token) {
          throw new InputError(
            `coder:template:push: sessionToken.kubernetesSecret: Secret ${tokenRef.namespace}/${tokenRef.name} has no key ${key}`,
          );
        }
      } else if (input.sessionToken?.taskSecret) {
        const secretName = input.sessionToken.taskSecret;
        token = cluster.secrets.add(ctx.secrets?.[secretName]);
        if (!token) {
          throw new InputError(
            `coder:template:push: sessionToken.taskSecret: the task secret "${secretName}" with a Coder session token is missing`,
          );
        }
      } else {
        token = await coderTarget.token();
        if (!token) {
          const ref = coderTarget.sessionTokenSecret;
          throw new InputError(
            `coder:template:push: cluster "${cluster.name}" has no Coder session token (no coder.token in app-config and no key ${ref.key} in Secret ${ref.namespace}/${ref.name}); run coder:bootstrap first or give sessionToken`,
          );
        }
      }
      const coder = new CoderClient({
        baseUrl: coderTarget.url,
        sessionToken: token,
      });
      const fail = (what: string) => (error: unknown) => {
        const message =
          error instanceof CoderApiError
            ? `HTTP ${error.status}: ${error.coderMessage}${
                error.detail ? ` (${error.detail})` : ''
              }`
            : (error as Error).message;
        throw new Error(
          `coder:template:push: ${what} in cluster "${
            cluster.name
          }" failed: ${cluster.secrets.redact(message)}${coderUnavailableHint(
            cluster.name,
            error,
          )}`,
        );
      };

      const { archive, sha256, files } = await tarTemplateDirectory(dir);
      const contentHash = createHash('sha256')
        .update(sha256)
        .update(stableStringify(variables))
        .update(input.provisioner ?? 'terraform')
        .digest('hex');
      const marker = `${MARKER}${contentHash}`;
      const where = `template "${input.name}"`;

      const template = await coder
        .getTemplateByName(organization, input.name, signal)
        .catch(fail(`reading ${where}`));
      const active = template
        ? await coder
            .getTemplateVersion(template.active_version_id, signal)
            .catch(fail(`reading the active version of ${where}`))
        : undefined;
      if (template && active?.message?.includes(marker)) {
        logger.info(
          `${where} already runs this content (${files} files, ${contentHash.slice(
            0,
            12,
          )}); nothing to do`,
        );
        ctx.output('templateId', template.id);
        ctx.output('versionId', active.id);
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }
      if (ctx.isDryRun) {
        logger.info(
          `dry run: would upload ${files} files and ${
            template ? `push a new version of ${where}` : `create ${where}`
          }`,
        );
        ctx.output('templateId', template?.id ?? '');
        ctx.output('versionId', active?.id ?? '');
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }

      throwIfAborted(signal);
      const fileId = await ctx.checkpoint({
        key: `coder:template:push:${cluster.name}:${organization}:${input.name}:upload:${sha256}`,
        fn: () =>
          coder
            .uploadFile(archive, { signal })
            .catch(fail(`uploading ${where}`)),
      });
      const versionId = await ctx.checkpoint({
        key: `coder:template:push:${cluster.name}:${organization}:${input.name}:version:${contentHash}`,
        fn: async () => {
          const version = await coder
            .createTemplateVersion(
              organization,
              {
                file_id: fileId,
                storage_method: 'file',
                provisioner: input.provisioner ?? 'terraform',
                message: marker,
                ...(template ? { template_id: template.id } : {}),
                user_variable_values: variables,
              },
              signal,
            )
            .catch(fail(`creating a version of ${where}`));
          return version.id;
        },
      });
      logger.info(
        `created version ${versionId} of ${where}; waiting for its provisioner job`,
      );

      const deadline = Date.now() + (input.timeoutSeconds ?? 600) * 1000;
      let after: number | undefined;
      let version: CoderTemplateVersion;
      for (;;) {
        throwIfAborted(signal);
        version = await coder
          .getTemplateVersion(versionId, signal)
          .catch(fail(`reading version ${versionId}`));
        const logs = await coder
          .getTemplateVersionLogs(versionId, { after, signal })
          .catch(fail(`reading the logs of version ${versionId}`));
        for (const line of logs) {
          after = line.id;
          if (!line.output) continue;
          const text = cluster.secrets.redact(`[${line.stage}] ${line.output}`);
          if (line.log_level === 'error') logger.error(text);
          else if (line.log_level === 'warn') logger.warn(text);
          else logger.info(text);
        }
        const status = version.job.status;
        if (status === 'succeeded') break;
        if (
          status === 'failed' ||
          status === 'canceled' ||
          status === 'canceling'
        ) {
          throw new Error(
            `coder:template:push: the provisioner job of ${where} ${status}: ${cluster.secrets.redact(
              version.job.error || 'no error message',
            )}`,
          );
        }
        if (Date.now() >= deadline) {
          throw new Error(
            `coder:template:push: the provisioner job of ${where} is still ${status} after ${
              input.timeoutSeconds ?? 600
            }s`,
          );
        }
        await sleep(options.pollIntervalMs ?? 1000, signal);
      }

      let templateId: string;
      if (template) {
        await ctx.checkpoint({
          key: `coder:template:push:${cluster.name}:${organization}:${input.name}:promote:${versionId}`,
          fn: () =>
            coder
              .promoteTemplateVersion(template.id, versionId, signal)
              .catch(fail(`promoting version ${versionId} of ${where}`)),
        });
        templateId = template.id;
        logger.info(`promoted version ${versionId} of ${where}`);
      } else {
        templateId = await ctx.checkpoint({
          key: `coder:template:push:${cluster.name}:${organization}:${input.name}:create:${versionId}`,
          fn: async () => {
            const createdTemplate = await coder
              .createTemplate(
                organization,
                {
                  name: input.name,
                  display_name: input.displayName,
                  description: input.description,
                  icon: input.icon,
                  template_version_id: versionId,
                  default_ttl_ms: input.defaultTtlMs,
                },
                signal,
              )
              .catch(fail(`creating ${where}`));
            return createdTemplate.id;
          },
        });
        logger.info(`created ${where}`);
      }
      ctx.output('templateId', templateId);
      ctx.output('versionId', versionId);
      ctx.output('created', !template);
      ctx.output('changed', true);
    },
  });
}
