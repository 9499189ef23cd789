import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/**
 * A mock action context whose checkpoint runs its function (the default mock
 * does not), with optional dry-run, signal and secrets.
 */
export function mockContext(
  input: Record<string, any>,
  extra: {
    isDryRun?: boolean;
    signal?: AbortSignal;
    secrets?: Record<string, string>;
    workspacePath?: string;
  } = {},
) {
  const logger: any = {
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    debug: jest.fn(),
  };
  logger.child = jest.fn(() => logger);
  const base = createMockActionContext<any>({
    input,
    logger,
    secrets: extra.secrets,
    ...(extra.workspacePath ? { workspacePath: extra.workspacePath } : {}),
  });
  return {
    ...base,
    checkpoint: jest.fn(async ({ fn }: { key: string; fn: () => unknown }) =>
      fn(),
    ) as any,
    logger: logger as {
      info: jest.Mock;
      warn: jest.Mock;
      error: jest.Mock;
      debug: jest.Mock;
      child: jest.Mock;
    },
    output: base.output as jest.Mock,
    isDryRun: extra.isDryRun,
    signal: extra.signal,
  };
}

/** Every message the context logged, joined, for leak checks. */
export function loggedText(ctx: { logger: unknown }): string {
  const logger = ctx.logger as Record<string, jest.Mock>;
  return ['info', 'warn', 'error', 'debug']
    .flatMap(level =>
      (logger[level]?.mock?.calls ?? []).map(c => JSON.stringify(c)),
    )
    .join('\n');
}
