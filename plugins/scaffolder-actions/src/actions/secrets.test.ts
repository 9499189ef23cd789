import { GcpContractError, GcpContractServer } from '@coder-platform/testing';
import { ConfigReader } from '@backstage/config';
import { OAuth2Client } from 'google-auth-library';
import { createGcpActions } from './gcp';
import { gcpConfig, mockContext, startGcp } from './gcp/__testUtils__/harness';
import { createBindingTargets } from './gcp/__testUtils__/iamTargets';
import { createCatalogActions } from './catalog';
import { createWorkspaceActions } from './workspace';
import {
  loggedText,
  mockContext as clusterContext,
} from './cluster/__testUtils__/context';
import { baseInput } from './cluster/__testUtils__/schemaValidation';
import { MemoryCatalogAccess } from './__testUtils__/memoryCatalogAccess';

// Every GCP action runs with known secret values in the task's secrets, in
// the credentials of its auth client and in app-config, against failing
// upstreams whose error messages echo those values (403, 500, a dropped
// connection). None may appear in the logs, the outputs or the error.
//
// Cluster actions are covered by their own harnesses (their secrets live in
// Kubernetes Secrets and Keycloak); not here. The workspace-image and
// catalog actions are at the end of this file.

// See gcpDnsManagedZone.examples.test.ts.
jest.mock('@google-cloud/common/node_modules/teeny-request', () => {
  const { join } = jest.requireActual('node:path');
  const storageMain: string = require.resolve('@google-cloud/storage');
  const storageRoot = storageMain.slice(0, storageMain.lastIndexOf('/build/'));
  return jest.requireActual(join(storageRoot, 'node_modules', 'teeny-request'));
});

jest.setTimeout(120_000);

const TASK_SECRET = 'task-secret-4f1d9a7c2b';
const ACCESS_TOKEN = 'access-token-93b1e0d47f5a';
const CONFIG_SECRET = 'config-secret-7c2e5b8a1d';
const SECRETS = [TASK_SECRET, ACCESS_TOKEN, CONFIG_SECRET];

/** An upstream that echoes what it received, as verbose proxies do. */
const echoing = (code: 'PERMISSION_DENIED' | 'INTERNAL') =>
  new GcpContractError(
    code,
    `request rejected: Authorization: Bearer ${ACCESS_TOKEN} password=${TASK_SECRET} {"clientSecret":"${CONFIG_SECRET}"} token ${ACCESS_TOKEN}`,
  );

describe('no secret reaches logs, outputs or errors', () => {
  let gcp: GcpContractServer;

  beforeAll(async () => {
    gcp = await startGcp(1);
    await createBindingTargets(gcp);
  });
  afterAll(() => gcp.stop());

  const options = () => {
    const auth = new OAuth2Client({
      transporterOptions: { fetchImplementation: globalThis.fetch as any },
    });
    auth.setCredentials({
      access_token: ACCESS_TOKEN,
      expiry_date: Date.now() + 3_600_000,
    });
    return {
      config: gcpConfig(gcp, {
        endpoints: {
          ...gcp.endpointsConfig(),
          storage: gcp.storageIamEndpoint(),
        },
        keyFilename: `/var/run/${CONFIG_SECRET}.json`,
        retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      }),
      authClient: auth as any,
    };
  };

  const faults = ['PERMISSION_DENIED', 'INTERNAL', 'DROP'] as const;
  const cases = createGcpActions({ config: new ConfigReader({}) }).flatMap(a =>
    faults.map(f => [a.id, f] as const),
  );

  it.each(cases)('%s against %s', async (id, fault) => {
    const action = createGcpActions(options()).find(a => a.id === id)!;
    const input = (action.examples![0] as any).example;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const step = require('yaml')
      .parse(input)
      .steps.find((s: any) => s.action === id).input;
    gcp.calls.clearFaults();
    gcp.inject({
      rpc: '*',
      times: 1_000,
      error: fault === 'DROP' ? 'DROP' : echoing(fault),
    });
    const { ctx, logs, outputs } = mockContext(step, {
      secrets: { adminPassword: TASK_SECRET, token: ACCESS_TOKEN },
    });
    let error: Error | undefined;
    try {
      await action.handler(ctx);
    } catch (e) {
      error = e as Error;
    }
    gcp.calls.clearFaults();
    if (!error)
      console.log(
        'NOERROR',
        id,
        fault,
        logs(),
        JSON.stringify(outputs()),
        JSON.stringify(gcp.calls.byRpc()),
      );
    expect(error).toBeDefined();
    const everything = [
      logs(),
      JSON.stringify(outputs()),
      error?.message,
      error?.stack,
      JSON.stringify((ctx.logger.error as jest.Mock).mock.calls),
    ].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});

// coder-platform:workspace-image:validate and coder-platform:catalog:unregister
// call the catalog with the task initiator's credentials. Known secrets: the
// token those calls carry (echoed by a failing catalog in the shapes the
// catalog client's errors take: a ResponseError quoting the answer, a 500,
// a dropped connection naming the request URL), the task's secrets, and the
// Coder and Kubernetes tokens of app-config. None may appear in the logs,
// the outputs or the error, whichever catalog call fails, nor when it works.
describe('workspace-image and catalog actions: no secret reaches logs, outputs or errors', () => {
  const CATALOG_TOKEN = 'catalog-token-5d7f9b1c3e';
  const CODER_TOKEN = 'coder-token-0a2c4e6b8d';
  const KUBE_TOKEN = 'kube-token-9f7d5b3a1c';
  const KNOWN = [CATALOG_TOKEN, CODER_TOKEN, KUBE_TOKEN, TASK_SECRET];

  const failures = {
    401: () =>
      Object.assign(
        new Error(
          `Request failed with 401 Unauthorized, {"error":{"name":"AuthenticationError","message":"Authorization: Bearer ${CATALOG_TOKEN} was rejected"},"request":{"method":"GET","headers":{"authorization":"Bearer ${CATALOG_TOKEN}"}},"token":"${CATALOG_TOKEN}"}`,
        ),
        { name: 'ResponseError', response: { status: 401 } },
      ),
    500: () =>
      Object.assign(
        new Error(
          `Request failed with 500 Internal Server Error, upstream said token=${CATALOG_TOKEN} password=${TASK_SECRET}`,
        ),
        { name: 'ResponseError', response: { status: 500 } },
      ),
    drop: () =>
      Object.assign(
        new Error(
          `request to http://127.0.0.1:7007/api/catalog/entities/by-name/resource/default/dev?access_token=${CATALOG_TOKEN} failed, reason: socket hang up`,
        ),
        { name: 'FetchError', code: 'ECONNRESET' },
      ),
  };
  type Failure = keyof typeof failures;

  const config = new ConfigReader({
    coderPlatform: {
      clusters: [
        {
          name: 'dev',
          coder: { url: 'https://coder.dev.example.com', token: CODER_TOKEN },
          kubernetes: {
            url: 'https://kube.dev.example.com',
            auth: { type: 'token', token: KUBE_TOKEN },
          },
        },
      ],
    },
  });
  const cluster = {
    kind: 'Resource',
    metadata: {
      name: 'dev',
      namespace: 'default',
      annotations: {
        'coder-platform.io/cluster': 'dev',
        'coder-platform.io/backup-bucket': 'acme-coder-backups',
        'coder-platform.io/restic-prefix': 'coder/dev',
      },
    },
    spec: { type: 'coder-cluster', owner: 'group:default/platform-team' },
  };
  const location = {
    id: 'loc-1',
    type: 'url',
    target: 'https://git.example.com/acme/clusters/blob/main/dev.yaml',
  };

  /** Runs the action; everything it said, and the error. */
  async function run(action: any, input: Record<string, unknown>) {
    const ctx = clusterContext(input, { secrets: { token: TASK_SECRET } });
    const error = await action.handler(ctx as any).then(
      () => undefined,
      (e: Error & { cause?: unknown }) => e,
    );
    const seen = [
      loggedText(ctx),
      JSON.stringify(ctx.output.mock.calls),
      String(error?.message),
      String(error?.stack),
      JSON.stringify(error ?? {}),
      String((error?.cause as Error | undefined)?.message),
    ].join('\n');
    return { error, leaked: KNOWN.filter(s => seen.includes(s)) };
  }

  const validateInput = () =>
    baseInput(
      createWorkspaceActions({ config, catalog: new MemoryCatalogAccess() })[0],
      'resource:default/dev',
    );

  it('workspace-image:validate with a working catalog', async () => {
    const catalog = new MemoryCatalogAccess().add(cluster);
    const [validate] = createWorkspaceActions({ config, catalog });
    const { error, leaked } = await run(validate, validateInput());
    expect({ error: error?.message, leaked }).toEqual({
      error: undefined,
      leaked: [],
    });
  });

  it.each(Object.keys(failures) as Failure[])(
    'workspace-image:validate against a catalog failing with %s',
    async failure => {
      const catalog = new MemoryCatalogAccess().add(cluster);
      catalog.failure = failures[failure]();
      const [validate] = createWorkspaceActions({ config, catalog });
      const { error, leaked } = await run(validate, validateInput());
      expect({
        failed: error !== undefined,
        askedCatalog: catalog.calls.length,
        leaked,
      }).toEqual({ failed: true, askedCatalog: 1, leaked: [] });
    },
  );

  const unregisterInput = {
    entityRef: 'resource:default/dev',
    expectedType: 'coder-cluster',
    removeColocated: true,
  };

  it.each([false, true])(
    'catalog:unregister with a working catalog (registered by a location: %s)',
    async byLocation => {
      const catalog = new MemoryCatalogAccess().add(
        cluster,
        byLocation ? location : undefined,
      );
      const [unregister] = createCatalogActions({ catalog });
      const { error, leaked } = await run(unregister, unregisterInput);
      expect({
        error: error?.message,
        removed: catalog.writes().map(c => c.method),
        leaked,
      }).toEqual({
        error: undefined,
        removed: [byLocation ? 'removeLocationById' : 'removeEntityByUid'],
        leaked: [],
      });
    },
  );

  // Every call the action makes, failing in each way.
  const calls = [
    ['getEntityByRef', false],
    ['removeEntityByUid', false],
    ['getLocationByEntity', true],
    ['getEntities', true],
    ['removeLocationById', true],
  ] as const;
  it.each(
    calls.flatMap(([method, byLocation]) =>
      (Object.keys(failures) as Failure[]).map(
        f => [method, f, byLocation] as const,
      ),
    ),
  )(
    'catalog:unregister when %s fails with %s',
    async (method, failure, byLocation) => {
      const catalog = new MemoryCatalogAccess().add(
        cluster,
        byLocation ? location : undefined,
      );
      catalog.failure = failures[failure]();
      catalog.failing = [method];
      const [unregister] = createCatalogActions({ catalog });
      const { error, leaked } = await run(unregister, unregisterInput);
      expect({
        failed: error !== undefined,
        reachedFailingCall: catalog.calls.some(c => c.method === method),
        leaked,
      }).toEqual({ failed: true, reachedFailingCall: true, leaked: [] });
    },
  );
});
