import { InputError } from '@backstage/errors';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  CoderApiError,
  CoderClient,
  CoderTarget,
  CoderTemplateVersion,
} from '@coder-platform/plugin-coder-platform-node';
import { resolveCluster } from './clusterAccess';
import { coderUnavailableHint } from './coderAccess';
import { PushArchive, TemplateVariable } from './coderTemplatePushSource';
import { sleep, throwIfAborted } from './util';

const ID = 'coder:template:push';

/** Marks a version with the content it was pushed from. */
export const CONTENT_MARKER = 'coder-platform content-sha256:';

type Cluster = ReturnType<typeof resolveCluster>;

/** Where the session token comes from (the action's sessionToken input). */
export interface SessionTokenInput {
  taskSecret?: string;
  kubernetesSecret?: { name: string; namespace: string; key?: string };
}

/**
 * The Coder session token of the push: from a Secret of the cluster
 * (checked against the allow-list before use), a task secret, or the
 * cluster's own (app-config, else the Secret coder:bootstrap wrote). Every
 * value is registered for masking.
 */
export async function coderSessionToken(
  cluster: Cluster,
  coderTarget: CoderTarget,
  input: SessionTokenInput | undefined,
  taskSecrets: Record<string, string> | undefined,
): Promise<string> {
  const tokenRef = input?.kubernetesSecret;
  if (tokenRef) {
    const key = tokenRef.key ?? 'session-token';
    const token = await cluster.readSecret(
      { namespace: tokenRef.namespace, name: tokenRef.name },
      key,
      { field: 'sessionToken.kubernetesSecret' },
    );
    if (!token) {
      throw new InputError(
        `${ID}: sessionToken.kubernetesSecret: Secret ${tokenRef.namespace}/${tokenRef.name} has no key ${key}`,
      );
    }
    return token;
  }
  if (input?.taskSecret) {
    const secretName = input.taskSecret;
    const token = cluster.secrets.add(taskSecrets?.[secretName]);
    if (!token) {
      throw new InputError(
        `${ID}: sessionToken.taskSecret: the task secret "${secretName}" with a Coder session token is missing`,
      );
    }
    return token;
  }
  const token = await coderTarget.token();
  if (!token) {
    const ref = coderTarget.sessionTokenSecret;
    throw new InputError(
      `${ID}: cluster "${cluster.name}" has no Coder session token (no coder.token in app-config and no key ${ref.key} in Secret ${ref.namespace}/${ref.name}); run coder:bootstrap first or give sessionToken`,
    );
  }
  return token;
}

/** A rejection handler turning a Coder error into one naming the call and cluster, masked. */
export function coderFailure(cluster: Cluster) {
  return (what: string) => (error: unknown) => {
    const message =
      error instanceof CoderApiError
        ? `HTTP ${error.status}: ${error.coderMessage}${
            error.detail ? ` (${error.detail})` : ''
          }`
        : (error as Error).message;
    throw new Error(
      `${ID}: ${what} in cluster "${
        cluster.name
      }" failed: ${cluster.secrets.redact(message)}${coderUnavailableHint(
        cluster.name,
        error,
      )}`,
    );
  };
}

/** The part of an action context the push uses. */
export type PushContext = Pick<
  ActionContext<any, any>,
  'logger' | 'signal' | 'checkpoint'
>;

/** What to push where. */
export interface PushRequest {
  coder: CoderClient;
  cluster: Cluster;
  organization: string;
  name: string;
  /** The existing template, if any (read by the caller). */
  template?: { id: string };
  archive: PushArchive;
  variables: TemplateVariable[];
  provisioner: string;
  timeoutSeconds: number;
  pollIntervalMs: number;
  create: {
    displayName?: string;
    description?: string;
    icon?: string;
    defaultTtlMs?: number;
  };
}

/**
 * Uploads the archive, creates a version carrying the content marker,
 * streams its provisioner job's logs until it ends, then promotes the
 * version or creates the template. Each mutation sits in a checkpoint whose
 * key names the cluster, organization, template and content.
 */
export async function pushTemplateVersion(
  ctx: PushContext,
  req: PushRequest,
): Promise<{ templateId: string; versionId: string }> {
  const { logger, signal } = ctx;
  const { coder, cluster, organization, name, template } = req;
  const fail = coderFailure(cluster);
  const where = `template "${name}"`;
  const key = `${ID}:${cluster.name}:${organization}:${name}`;

  throwIfAborted(signal);
  const fileId = await ctx.checkpoint({
    key: `${key}:upload:${req.archive.sha256}`,
    fn: () =>
      coder
        .uploadFile(req.archive.archive, { signal })
        .catch(fail(`uploading ${where}`)),
  });
  const versionId = await ctx.checkpoint({
    key: `${key}:version:${req.archive.contentHash}`,
    fn: async () => {
      const version = await coder
        .createTemplateVersion(
          organization,
          {
            file_id: fileId,
            storage_method: 'file',
            provisioner: req.provisioner,
            message: `${CONTENT_MARKER}${req.archive.contentHash}`,
            ...(template ? { template_id: template.id } : {}),
            user_variable_values: req.variables,
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

  const deadline = Date.now() + req.timeoutSeconds * 1000;
  let after: number | undefined;
  for (;;) {
    throwIfAborted(signal);
    const version: CoderTemplateVersion = await coder
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
        `${ID}: the provisioner job of ${where} ${status}: ${cluster.secrets.redact(
          version.job.error || 'no error message',
        )}`,
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${ID}: the provisioner job of ${where} is still ${status} after ${req.timeoutSeconds}s`,
      );
    }
    await sleep(req.pollIntervalMs, signal);
  }

  if (template) {
    await ctx.checkpoint({
      key: `${key}:promote:${versionId}`,
      fn: () =>
        coder
          .promoteTemplateVersion(template.id, versionId, signal)
          .catch(fail(`promoting version ${versionId} of ${where}`)),
    });
    logger.info(`promoted version ${versionId} of ${where}`);
    return { templateId: template.id, versionId };
  }
  const templateId = await ctx.checkpoint({
    key: `${key}:create:${versionId}`,
    fn: async () => {
      const created = await coder
        .createTemplate(
          organization,
          {
            name,
            display_name: req.create.displayName,
            description: req.create.description,
            icon: req.create.icon,
            template_version_id: versionId,
            default_ttl_ms: req.create.defaultTtlMs,
          },
          signal,
        )
        .catch(fail(`creating ${where}`));
      return created.id;
    },
  });
  logger.info(`created ${where}`);
  return { templateId, versionId };
}
