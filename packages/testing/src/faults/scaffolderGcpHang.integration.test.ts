import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { GcpContractServer } from '../gcp';
import { scaffolderTasks } from '../scaffolder/scaffolderTasks';
import { contractAuthClient } from '../templates/__testUtils__/dryRunBackend';
import { suiteActions } from '../templates/__testUtils__/suiteTemplates';

/**
 * The scaffolder's own re-run of a task whose GCP step hung: a template that
 * creates a VPC (Compute, REST) and then reserves an address, whose insert
 * the contract server accepts and never answers. Each attempt ends at
 * `coderPlatform.gcp.callTimeoutSeconds`; the task fails at that step with
 * the API, the operation and the budget in its log; once the API answers,
 * `POST /v2/tasks/:id/retry` completes the task, and every resource was
 * inserted once (counted on the contract server).
 */
jest.setTimeout(120_000);

const PROJECT = 'acme-coder';
const ATTEMPTS = 2;

describe('a scaffolder task whose GCP API hangs, re-run after it answers', () => {
  const run = randomBytes(3).toString('hex');
  const network = `hang-${run}-vpc`;
  const address = `hang-${run}-ip`;
  let gcp: GcpContractServer;
  let server: any;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    gcp = await new GcpContractServer({ pollsToComplete: 1 }).start();
    const authClient = contractAuthClient();
    const actions = createBackendModule({
      pluginId: 'scaffolder',
      moduleId: 'coder-platform-gcp-hang',
      register(reg) {
        reg.registerInit({
          deps: {
            scaffolder: scaffolderActionsExtensionPoint,
            config: coreServices.rootConfig,
          },
          async init({ scaffolder, config }) {
            scaffolder.addActions(...suiteActions({ config, authClient }));
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        actions,
        mockServices.rootConfig.factory({
          data: {
            coderPlatform: {
              gcp: {
                projectId: PROJECT,
                endpoints: gcp.endpointsConfig(),
                callTimeoutSeconds: 1,
                operations: { pollIntervalMs: 5, timeoutMinutes: 1 },
                retry: {
                  maxAttempts: ATTEMPTS,
                  initialDelayMs: 5,
                  maxDelayMs: 10,
                },
              },
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'mock', namespace: 'default' },
              spec: {},
            },
            {
              apiVersion: 'scaffolder.backstage.io/v1beta3',
              kind: 'Template',
              metadata: { name: 'network-and-address', namespace: 'default' },
              spec: {
                type: 'service',
                parameters: [
                  {
                    properties: {
                      network: { type: 'string' },
                      address: { type: 'string' },
                    },
                  },
                ],
                steps: [
                  {
                    id: 'network',
                    name: 'VPC',
                    action: 'gcp:compute:network',
                    input: { name: '${{ parameters.network }}' },
                  },
                  {
                    id: 'address',
                    name: 'Address',
                    action: 'gcp:compute:address',
                    input: { name: '${{ parameters.address }}' },
                  },
                ],
              },
            },
          ],
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    await gcp?.stop();
  });

  const { api, settle } = scaffolderTasks({
    baseUrl: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorization: mockCredentials.user.header(),
  });

  it('fails at the hung step naming the API, the operation and the budget, then completes on retry with each resource inserted once', async () => {
    gcp.inject({ rpc: 'compute.addresses.insert', error: 'HANG', times: 50 });
    const created = await api('/v2/tasks', {
      templateRef: 'template:default/network-and-address',
      values: { network, address },
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id;
    const failed = await settle(taskId);
    expect(failed.status).toBe('failed');
    expect(failed.log).toMatch(
      new RegExp(
        `${address}.* in project ${PROJECT}: compute\\.googleapis\\.com did not answer within 1 s \\(coderPlatform\\.gcp\\.callTimeoutSeconds\\) on any attempt`,
      ),
    );
    expect(gcp.calls.count('compute.addresses.insert')).toBe(ATTEMPTS);
    expect(gcp.calls.count('compute.networks.insert')).toBe(1);

    gcp.calls.clearFaults();
    const retried = await api(`/v2/tasks/${taskId}/retry`, {});
    expect(retried.status).toBe(201);
    const done = await settle(taskId);
    expect(done.status).toBe('completed');
    // The VPC step is not repeated (its checkpoint, or a no-op read); the
    // address is inserted by the one attempt that got an answer.
    expect(gcp.calls.count('compute.networks.insert')).toBe(1);
    expect(gcp.calls.count('compute.addresses.insert')).toBe(ATTEMPTS + 1);
    expect(
      gcp.rest.compute.get(
        `projects/${PROJECT}/regions/europe-west3/addresses/${address}`,
      ),
    ).toEqual(expect.objectContaining({ name: address }));
  });
});
