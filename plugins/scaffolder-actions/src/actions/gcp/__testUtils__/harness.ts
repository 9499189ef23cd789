import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  GcpContractServer,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import { OAuth2Client } from 'google-auth-library';

export const PROJECT = 'acme-coder';

/**
 * Starts the GCP contract servers (gRPC + HTTPS REST). Also switches
 * teeny-request (Cloud DNS, Cloud Storage clients) to its node:http transport,
 * since jest cannot run its dynamic import of node-fetch.
 */
export async function startGcp(
  pollsToComplete = 2,
): Promise<GcpContractServer> {
  useNodeHttpTransportForStorage();
  return new GcpContractServer({ pollsToComplete }).start();
}

/** app-config pointing every client at the contract servers, with fast polls and retries. */
export function gcpConfig(
  server: GcpContractServer,
  extra: Record<string, unknown> = {},
) {
  return new ConfigReader({
    coderPlatform: {
      gcp: {
        projectId: PROJECT,
        endpoints: server.endpointsConfig(),
        operations: { pollIntervalMs: 5, timeoutMinutes: 1 },
        retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20 },
        ...extra,
      },
    },
  });
}

/**
 * An OAuth2 client holding a fixed access token (the contract servers accept
 * any). Its transport uses Node's fetch: gaxios would otherwise load
 * node-fetch with a dynamic import, which jest cannot run.
 */
export function fakeAuth(): OAuth2Client {
  const client = new OAuth2Client({
    transporterOptions: { fetchImplementation: globalThis.fetch as any },
  });
  client.setCredentials({
    access_token: 'contract-test-token',
    expiry_date: Date.now() + 3_600_000,
  });
  return client;
}

/** Options for the action factories in tests. */
export function actionOptions(
  server: GcpContractServer,
  extra: Record<string, unknown> = {},
) {
  return { config: gcpConfig(server, extra), authClient: fakeAuth() as any };
}

/** A mock action context whose checkpoint runs `fn`, with dry-run and signal set. */
export function mockContext(
  input: Record<string, unknown>,
  options: {
    dryRun?: boolean;
    signal?: AbortSignal;
    workspacePath?: string;
    abortWhenLogged?: RegExp;
    /**
     * A checkpoint store shared between runs, as the scaffolder keeps it for
     * a resumed task: a key already stored returns its value without running
     * `fn`. Without it, every checkpoint runs `fn`.
     */
    checkpoints?: Map<string, unknown>;
    /** `ctx.secrets` of the task. */
    secrets?: Record<string, string>;
  } = {},
) {
  const logger = mockServices.logger.mock();
  let signal = options.signal;
  if (options.abortWhenLogged) {
    const controller = new AbortController();
    const pattern = options.abortWhenLogged;
    (logger.info as jest.Mock).mockImplementation((message: string) => {
      if (pattern.test(message)) controller.abort();
    });
    signal = controller.signal;
  }
  const base = createMockActionContext({
    input: input as any,
    logger: logger as any,
    ...(options.workspacePath ? { workspacePath: options.workspacePath } : {}),
  });
  const ctx = {
    ...base,
    checkpoint: jest.fn(async ({ key, fn }: { key: string; fn: () => any }) => {
      const store = options.checkpoints;
      if (!store) return fn();
      if (store.has(key)) return store.get(key);
      const value = await fn();
      store.set(key, value);
      return value;
    }),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    isDryRun: options.dryRun ?? false,
    signal,
  };
  const logs = () =>
    [
      ...(logger.info as jest.Mock).mock.calls,
      ...(logger.warn as jest.Mock).mock.calls,
    ]
      .map(c => String(c[0]))
      .join('\n');
  const outputs = () =>
    Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  return { ctx: ctx as any, logger, logs, outputs };
}

/** The `input` of every step of an example that uses `actionId`. */
export function exampleInputs(
  actionId: string,
  example: string,
): Record<string, unknown>[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parsed = require('yaml').parse(example) as {
    steps: Array<{ action: string; input: Record<string, unknown> }>;
  };
  return parsed.steps.filter(s => s.action === actionId).map(s => s.input);
}
