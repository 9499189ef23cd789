import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CoderContractServer } from '@coder-platform/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import { coderPlatformPlugin } from '../plugin';

/*
 * A real MCP client (the official SDK over streamable HTTP) against
 * `/api/mcp-actions/v1` of an in-process backend running the MCP actions
 * plugin and this plugin, whose actions read Coder's contract server.
 */
describe('MCP: coder-platform tools through /api/mcp-actions/v1', () => {
  let coder: CoderContractServer;
  let token: string;

  beforeAll(async () => {
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'pw-123456',
    });
    for (const [name, owner, status] of [
      ['devbox-1', 'alice', 'running'],
      ['devbox-2', 'bob', 'failed'],
      ['python-3', 'alice', 'stopped'],
    ]) {
      coder.addWorkspace({
        name,
        owner_name: owner,
        latest_build: {
          id: `build-${name}`,
          build_number: 1,
          status,
          transition: status === 'stopped' ? 'stop' : 'start',
          created_at: new Date().toISOString(),
          job: { id: `job-${name}`, status: 'succeeded' },
          resources: [],
        },
      });
    }
  });

  afterAll(() => coder.stop());

  async function connect(result: AuthorizeResult) {
    const { server } = await startTestBackend({
      features: [
        mcpActionsPlugin,
        coderPlatformPlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['coder-platform'] } },
            coderPlatform: {
              refresh: { enabled: false },
              clusters: [
                {
                  name: 'dev',
                  title: 'Development',
                  coder: { url: coder.url, token },
                },
                { name: 'staging' },
              ],
            },
          },
        }),
        mockServices.permissions.factory({ result } as any),
      ],
    });
    const { port } = server.address() as AddressInfo;
    const client = new Client({
      name: 'coder-platform-test',
      version: '1.0.0',
    });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://localhost:${port}/api/mcp-actions/v1`),
        {
          requestInit: {
            headers: { Authorization: mockCredentials.user.header() },
          },
        },
      ),
    );
    return client;
  }

  const byName = <T extends { name: string }>(tools: T[], suffix: string) => {
    const tool = tools.find(t => t.name.endsWith(suffix));
    if (!tool) {
      throw new Error(
        `no tool ${suffix} in ${tools.map(t => t.name).join(', ')}`,
      );
    }
    return tool;
  };

  it('lists the six read-only tools, with a cluster lister that needs no cluster', async () => {
    const client = await connect(AuthorizeResult.ALLOW);
    const { tools } = await client.listTools();
    expect(tools.map(t => t.name.replace(/^.*[.:]/, '')).sort()).toEqual([
      'get-backup-status',
      'get-cluster-overview',
      'get-keycloak-user-summary',
      'list-clusters',
      'list-helm-releases',
      'list-workspaces',
    ]);
    for (const tool of tools) {
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
      });
    }
    expect(byName(tools, 'list-clusters').inputSchema.required ?? []).toEqual(
      [],
    );
    for (const name of ['list-workspaces', 'list-helm-releases']) {
      expect(byName(tools, name).inputSchema.required).toEqual(['cluster']);
    }
    await client.close();
  });

  it('calls list-clusters and list-workspaces against the Coder contract server', async () => {
    const client = await connect(AuthorizeResult.ALLOW);
    const { tools } = await client.listTools();

    const clusters = await client.callTool({
      name: byName(tools, 'list-clusters').name,
      arguments: {},
    });
    expect(clusters.isError).toBeFalsy();
    const clusterText = JSON.stringify(clusters.content);
    expect(clusterText).toContain('Development');
    expect(clusterText).toContain('staging');
    expect(clusterText).not.toContain(token);
    expect(clusterText).not.toContain(coder.url);

    const workspaces = await client.callTool({
      name: byName(tools, 'list-workspaces').name,
      arguments: { cluster: 'dev', query: 'owner:alice' },
    });
    expect(workspaces.isError).toBeFalsy();
    const [first] = workspaces.content as { type: string; text: string }[];
    const parsed = JSON.parse(first.text);
    expect(parsed.count).toBe(2);
    expect(parsed.workspaces.map((w: { name: string }) => w.name)).toEqual([
      'devbox-1',
      'python-3',
    ]);
    expect(
      coder.requests.some(
        r => r.path === '/api/v2/workspaces' && r.authenticated,
      ),
    ).toBe(true);
    await client.close();
  });

  it('answers a tool error naming the missing config for a cluster without Kubernetes', async () => {
    const client = await connect(AuthorizeResult.ALLOW);
    const { tools } = await client.listTools();
    const releases = await client.callTool({
      name: byName(tools, 'list-helm-releases').name,
      arguments: { cluster: 'staging' },
    });
    expect(releases.isError).toBe(true);
    expect(JSON.stringify(releases.content)).toContain(
      'coderPlatform.clusters[].kubernetes',
    );
    await client.close();
  });

  it('offers no tool to a caller without the permissions', async () => {
    const client = await connect(AuthorizeResult.DENY);
    const { tools } = await client.listTools();
    expect(tools).toEqual([]);
    await client.close();
  });
});
