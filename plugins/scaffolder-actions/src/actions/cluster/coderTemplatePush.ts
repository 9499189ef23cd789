import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { CoderClient } from '@coder-platform/plugin-coder-platform-node';
import { bundledTemplateInput } from './bundledCoderTemplates';
import {
  ClusterActionsOptions,
  plannedCluster,
  resolveCluster,
} from './clusterAccess';
import { resolveCoder } from './coderAccess';
import { examples } from './coderTemplatePush.examples';
import {
  CONTENT_MARKER,
  coderFailure,
  coderSessionToken,
  pushTemplateVersion,
} from './coderTemplatePushCoder';
import {
  archivePushSource,
  pushVariables,
  resolvePushSource,
} from './coderTemplatePushSource';
import { clusterInput } from './inputProperties';

/**
 * `coder:template:push`: uploads a template directory of the task
 * workspace or a Coder template bundled with this package, imports it as a new
 * template version (with variable values), streams the provisioner job's
 * logs, then creates the template or promotes the version. Unchanged
 * content and variables create nothing new.
 */
export function createCoderTemplatePushAction(options: ClusterActionsOptions) {
  return createTemplateAction({
    id: 'coder:template:push',
    description:
      'Pushes a Coder template from a workspace directory or one bundled with the Coder Platform actions (template: devbox, read from the package, so a resumed task needs nothing in its fresh workspace): upload, template version with variables, provisioner job logs streamed, then create the template or promote the version. Unchanged content creates nothing new.',
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
            .optional()
            .describe(
              'Template directory inside the task workspace, e.g. coder-template; give exactly one of directory or template',
            ),
        template: z =>
          bundledTemplateInput(z)
            .optional()
            .describe(
              'A Coder template bundled with the actions, pushed from the package itself (the same files coder:template:fetch copies, so the same content hash): devbox; give exactly one of directory or template',
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
      const provisioner = input.provisioner ?? 'terraform';
      const source = await resolvePushSource(ctx.workspacePath, input);
      const { variables, secretValues } = pushVariables(input, ctx.secrets);

      if (
        await plannedCluster(
          ctx,
          resolveCluster(input.cluster, options),
          `create Coder template "${input.name}" from ${source.label}`,
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
      secretValues.forEach(value => cluster.secrets.add(value));
      const coder = new CoderClient({
        baseUrl: coderTarget.url,
        sessionToken: await coderSessionToken(
          cluster,
          coderTarget,
          input.sessionToken,
          ctx.secrets,
        ),
      });
      const fail = coderFailure(cluster);

      const archive = await archivePushSource(source, variables, provisioner);
      const marker = `${CONTENT_MARKER}${archive.contentHash}`;
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
          `${where} already runs this content (${archive.files} files from ${
            source.label
          }, ${archive.contentHash.slice(0, 12)}); nothing to do`,
        );
        ctx.output('templateId', template.id);
        ctx.output('versionId', active.id);
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }
      if (ctx.isDryRun) {
        logger.info(
          `dry run: would upload ${archive.files} files and ${
            template ? `push a new version of ${where}` : `create ${where}`
          }`,
        );
        ctx.output('templateId', template?.id ?? '');
        ctx.output('versionId', active?.id ?? '');
        ctx.output('created', false);
        ctx.output('changed', false);
        return;
      }

      const { templateId, versionId } = await pushTemplateVersion(ctx, {
        coder,
        cluster,
        organization,
        name: input.name,
        template,
        archive,
        variables,
        provisioner,
        timeoutSeconds: input.timeoutSeconds ?? 600,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        create: {
          displayName: input.displayName,
          description: input.description,
          icon: input.icon,
          defaultTtlMs: input.defaultTtlMs,
        },
      });
      ctx.output('templateId', templateId);
      ctx.output('versionId', versionId);
      ctx.output('created', !template);
      ctx.output('changed', true);
    },
  });
}
