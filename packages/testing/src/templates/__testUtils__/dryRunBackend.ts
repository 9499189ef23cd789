import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { googleAuthLibrary } from 'google-gax';
import fs from 'node:fs';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { GcpContractServer } from '../../gcp';
import { useNodeHttpTransportForStorage } from '../../gcs/storageInJest';
import { SuiteTemplate, suiteActions } from './suiteTemplates';

/** Colour codes winston puts into the task log lines (ESC [ ... m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A logger that keeps every message (the scaffolder's task log goes through it too). */
function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: m => void lines.push(m),
    warn: m => void lines.push(m),
    info: m => void lines.push(m),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/** The project of the contract servers (any the GKE model trusts). */
export const DRY_RUN_PROJECT = 'acme-coder';

/**
 * The backend's Google identity in these tests: a fixed access token, which
 * the contract servers accept. Its transport is Node's fetch (gaxios would
 * load node-fetch with a dynamic import, which jest cannot run).
 */
export function contractAuthClient(accessToken = 'contract-test-token') {
  const client = new googleAuthLibrary.OAuth2Client({
    transporterOptions: { fetchImplementation: globalThis.fetch as any },
  });
  client.setCredentials({
    access_token: accessToken,
    expiry_date: Date.now() + 3_600_000,
  });
  return client;
}

/** One log line of a dry run. */
export interface DryRunLogLine {
  body: { message: string; stepId?: string; status?: string };
}

/** What `POST /api/scaffolder/v2/dry-run` answers. */
export interface DryRunResult {
  status: number;
  /** Task log lines in order, also when the dry run failed (no step ids). */
  pluginLog: string[];
  body: {
    log?: DryRunLogLine[];
    output?: Record<string, any>;
    steps?: { id: string; name: string; action: string }[];
    directoryContents?: { path: string; base64Content: string }[];
    error?: { name: string; message: string };
    errors?: unknown[];
  };
}

/**
 * The real scaffolder backend in process with the suite's actions (the
 * factories our actions module registers, given the contract servers'
 * Google identity through their documented `authClient` option), a catalog
 * mock holding the user, and app-config pointing the Google clients at the
 * GCP contract servers.
 */
export async function startDryRunBackend(
  options: {
    /** Extra `coderPlatform` keys. */
    config?: Record<string, unknown>;
    /**
     * The backend's Google access token (default one the contract servers
     * accept): the token a GKE cluster's API server is called with, so a
     * local API server standing in for GKE can be given its own.
     */
    accessToken?: string;
    /** Entities the mock catalog holds besides the user (e.g. a coder-cluster Resource). */
    catalogEntities?: Array<Record<string, any>>;
  } = {},
) {
  useNodeHttpTransportForStorage();
  const gcp = await new GcpContractServer({ pollsToComplete: 1 }).start();
  const authClient = contractAuthClient(options.accessToken);
  const data = {
    coderPlatform: {
      gcp: {
        projectId: DRY_RUN_PROJECT,
        // Cloud Storage at the REST contract server, which answers bucket
        // IAM policies (and 404 for buckets it does not hold).
        endpoints: {
          ...gcp.endpointsConfig(),
          storage: gcp.storageIamEndpoint(),
        },
        operations: { pollIntervalMs: 5, timeoutMinutes: 1 },
        retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
      },
      gke: { allowedProjects: [DRY_RUN_PROJECT] },
      ...options.config,
    },
  };
  const actions = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'coder-platform-contract-identity',
    register(reg) {
      reg.registerInit({
        deps: {
          scaffolder: scaffolderActionsExtensionPoint,
          config: coreServices.rootConfig,
          catalog: catalogServiceRef,
        },
        async init({ scaffolder, config, catalog }) {
          scaffolder.addActions(
            ...suiteActions({ config, authClient, catalog }),
          );
        },
      });
    },
  });
  // The scaffolder writes each task log line to its plugin logger as well;
  // a failed dry run answers only the error, so tests read the steps here.
  const pluginLog: string[] = [];
  const backend = await startTestBackend({
    features: [
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => recordingLogger(pluginLog),
      }),
      scaffolderPlugin,
      actions,
      mockServices.rootConfig.factory({ data }),
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'mock', namespace: 'default' },
            spec: {},
          },
          ...((options.catalogEntities ?? []) as any[]),
        ],
      }),
    ],
  });

  /** Dry-runs a suite template as written, with its folder as directoryContents. */
  const dryRun = async (
    template: SuiteTemplate,
    values: Record<string, unknown>,
    secrets: Record<string, string> = {},
  ): Promise<DryRunResult> => {
    pluginLog.length = 0;
    const { port } = backend.server.address() as AddressInfo;
    const res = await fetch(
      `http://127.0.0.1:${port}/api/scaffolder/v2/dry-run`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.user.header(),
        },
        body: JSON.stringify({
          template: template.entity,
          values,
          secrets,
          directoryContents: folderContents(template.dir),
        }),
      },
    );
    return {
      status: res.status,
      body: await res.json(),
      pluginLog: pluginLog.map(line =>
        line.replace(ANSI_COLOUR, '').replace(/^(info|warn|error): /, ''),
      ),
    };
  };

  return {
    gcp,
    dryRun,
    /** The backend's base URL (for real tasks: `POST /api/scaffolder/v2/tasks`). */
    baseUrl: `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }`,
    stop: async () => {
      await backend.stop();
      await gcp.stop();
    },
  };
}

/** Every file below `dir`, as the dry-run endpoint takes directory contents. */
export function folderContents(dir: string) {
  const files: { path: string; base64Content: string }[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        files.push({
          path: path.relative(dir, full),
          base64Content: fs.readFileSync(full).toString('base64'),
        });
    }
  };
  walk(dir);
  return files;
}

/**
 * The inputs each step was rendered with, from the scaffolder's dry-run log
 * ("Running <action> in dry-run mode with inputs (secrets redacted): {...}").
 * Steps with `each:` appear once per item, in order.
 */
export function renderedInputs(log: DryRunLogLine[] = []) {
  const inputs: Record<string, any[]> = {};
  for (const line of log) {
    const m =
      /^Running (\S+) in dry-run mode with inputs \(secrets redacted\): ([\s\S]*)$/.exec(
        plainMessage(line),
      );
    if (m && line.body.stepId) {
      (inputs[line.body.stepId] ??= []).push(JSON.parse(m[2]));
    }
  }
  return inputs;
}

/** A log message without its colour codes and "info: " level prefix. */
export function plainMessage(line: DryRunLogLine): string {
  return line.body.message
    .replace(ANSI_COLOUR, '')
    .replace(/^(info|warn|error|debug): /, '');
}

/** The messages one step logged, plain. */
export function stepMessages(
  log: DryRunLogLine[] = [],
  stepId: string,
): string[] {
  return log.filter(l => l.body.stepId === stepId).map(plainMessage);
}

/**
 * The rendered inputs of the "Running <action> in dry-run mode" lines of a
 * plugin log, in order: what each step that started was given.
 */
export function startedSteps(pluginLog: string[]) {
  return pluginLog.flatMap(line => {
    const m =
      /^Running (\S+) in dry-run mode with inputs \(secrets redacted\): ([\s\S]*)$/.exec(
        line,
      );
    // dry-run:extract is the scaffolder's own last step (it collects the workspace).
    return m && m[1] !== 'dry-run:extract'
      ? [{ action: m[1], input: JSON.parse(m[2]) }]
      : [];
  });
}

/** Steps the dry-run log reports as skipped (their `if:` was falsy). */
export function skippedSteps(log: DryRunLogLine[] = []): string[] {
  return [
    ...new Set(
      log
        .filter(l => l.body.status === 'skipped' && l.body.stepId)
        .map(l => l.body.stepId!),
    ),
  ];
}
