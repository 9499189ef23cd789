import { LoggerService } from '@backstage/backend-plugin-api';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  redactValue,
  SecretRegistry,
} from '@coder-platform/plugin-coder-platform-node';
import { ClusterActionsOptions, clusterModel } from './clusterAccess';

function redactingLogger(
  logger: LoggerService,
  secrets: SecretRegistry,
): LoggerService {
  const meta = (value: unknown) => {
    if (value instanceof Error) return secrets.redactError(value);
    return value === undefined ? value : redactValue(value, secrets);
  };
  return {
    error: (message, extra) =>
      logger.error(secrets.redact(String(message)), meta(extra) as any),
    warn: (message, extra) =>
      logger.warn(secrets.redact(String(message)), meta(extra) as any),
    info: (message, extra) =>
      logger.info(secrets.redact(String(message)), meta(extra) as any),
    debug: (message, extra) =>
      logger.debug(secrets.redact(String(message)), meta(extra) as any),
    child: fields =>
      redactingLogger(logger.child(redactValue(fields, secrets)), secrets),
  };
}

/**
 * The last line of the one redaction for the cluster actions: every exit of
 * the action (logger, outputs, the error it fails with) passes through
 * `redact` with the secrets of every configured cluster and the task's own
 * secrets. Action code redacts where it builds messages too; this catches a
 * value an upstream echoed back on a path that did not (e.g. a raw API error
 * quoting a task secret).
 */
export function withRedaction<T extends TemplateAction<any, any, any>>(
  action: T,
  options: ClusterActionsOptions,
): T {
  return {
    ...action,
    async handler(ctx: Parameters<T['handler']>[0]) {
      const secrets = new SecretRegistry();
      for (const cluster of clusterModel(options).settings.clusters) {
        for (const value of cluster.secrets) secrets.add(value);
      }
      for (const value of Object.values(ctx.secrets ?? {})) {
        if (typeof value === 'string') secrets.add(value);
      }
      const redacting = {
        ...ctx,
        logger: redactingLogger(ctx.logger, secrets),
        output: (name: string, value: unknown) =>
          ctx.output(name, redactValue(value, secrets)),
      };
      try {
        return await action.handler(redacting);
      } catch (error) {
        throw secrets.redactError(error);
      }
    },
  };
}
