import { GcpContractError, GcpContractServer } from '@coder-platform/testing';
import { ConfigReader } from '@backstage/config';
import { OAuth2Client } from 'google-auth-library';
import { createGcpActions } from './gcp';
import { gcpConfig, mockContext, startGcp } from './gcp/__testUtils__/harness';
import { createBindingTargets } from './gcp/__testUtils__/iamTargets';

// Every GCP action runs with known secret values in the task's secrets, in
// the credentials of its auth client and in app-config, against failing
// upstreams whose error messages echo those values (403, 500, a dropped
// connection). None may appear in the logs, the outputs or the error.
//
// Cluster actions are covered by their own harnesses (their secrets live in
// Kubernetes Secrets and Keycloak); not here.

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
