import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { CoderContractServer } from '@coder-platform/testing';
import request from 'supertest';
import { coderPlatformPlugin } from '../plugin';

const TOKEN_LEAK = /coder-secret|kc-secret|restic-secret|kube-secret/;

/** Allows everything except the named permissions. */
function permissionsDenying(...denied: string[]) {
  return mockServices.permissions.mock({
    authorize: (async (requests: { permission: { name: string } }[]) =>
      requests.map(r => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      }))) as unknown as PermissionsService['authorize'],
  }).factory;
}

async function start(options: {
  coderUrl: string;
  token: string;
  maxAgeSeconds?: number;
  denied?: string[];
}) {
  const { server } = await startTestBackend({
    features: [
      coderPlatformPlugin,
      mockServices.rootConfig.factory({
        data: {
          coderPlatform: {
            refresh: { enabled: false },
            cache: {
              maxAgeSeconds: {
                coder: options.maxAgeSeconds ?? 60,
                workspaces: 60,
              },
            },
            upstreams: { coder: { timeoutSeconds: 5 } },
            clusters: [
              {
                name: 'dev',
                coder: { url: options.coderUrl, token: options.token },
              },
              {
                name: 'down',
                coder: {
                  url: 'http://127.0.0.1:9',
                  token: 'coder-secret-down',
                },
              },
              { name: 'bare' },
            ],
          },
        },
      }),
      permissionsDenying(...(options.denied ?? [])),
    ],
  });
  return server;
}

describe('coder-platform routes', () => {
  let coder: CoderContractServer;
  let token: string;

  beforeEach(async () => {
    coder = await CoderContractServer.start();
    token = coder.seedFirstUser({
      email: 'admin@example.com',
      username: 'admin',
      password: 'x-password-1',
    });
    for (const [owner, name] of [
      ['alice', 'dev'],
      ['alice', 'docs'],
      ['bob', 'main'],
    ]) {
      coder.addWorkspace({ owner_name: owner, name });
    }
  });

  afterEach(async () => {
    await coder?.stop().catch(() => {});
  });

  it('serves the Coder overview, then answers from cache without calling Coder', async () => {
    const server = await start({ coderUrl: coder.url, token });
    const cold = await request(server).get(
      '/api/coder-platform/clusters/dev/coder',
    );
    expect(cold.status).toBe(200);
    expect(cold.body).toMatchObject({
      cluster: 'dev',
      stale: false,
      buildInfo: { version: expect.stringMatching(/^v2\./) },
      health: {
        healthy: expect.any(Boolean),
        severity: expect.any(String),
        failing: expect.any(Array),
      },
      stats: {
        workspaces: expect.objectContaining({ running: expect.any(Number) }),
      },
      provisioners: [
        expect.objectContaining({
          name: 'coder-provisioner-0',
          status: expect.any(String),
        }),
      ],
      unavailable: [],
    });
    const coldCalls = coder.requests.length;
    // buildinfo, health, stats, templates, provisioner daemons
    expect(coldCalls).toBe(5);

    const warm = await request(server).get(
      '/api/coder-platform/clusters/dev/coder',
    );
    expect(warm.status).toBe(200);
    expect(warm.body.fetchedAt).toBe(cold.body.fetchedAt);
    expect(coder.requests.length).toBe(coldCalls);
    expect(JSON.stringify(cold.body)).not.toContain(token);
  });

  it('pages and searches workspaces', async () => {
    const server = await start({ coderUrl: coder.url, token });
    const page = await request(server).get(
      '/api/coder-platform/clusters/dev/workspaces?q=owner:alice&limit=1&offset=1',
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      count: 2,
      limit: 1,
      offset: 1,
      q: 'owner:alice',
    });
    expect(page.body.items).toEqual([
      expect.objectContaining({
        owner: 'alice',
        name: 'docs',
        template: 'devbox',
      }),
    ]);
    const path = coder.requests.find(r =>
      r.path.startsWith('/api/v2/workspaces'),
    );
    expect(path).toBeDefined();
  });

  it('serves the last good data flagged stale when Coder goes down', async () => {
    const server = await start({
      coderUrl: coder.url,
      token,
      maxAgeSeconds: 0,
    });
    const good = await request(server).get(
      '/api/coder-platform/clusters/dev/coder',
    );
    expect(good.status).toBe(200);
    await coder.stop();

    // Stale-while-revalidate: the old value at once, Coder asked behind it.
    const first = await request(server).get(
      '/api/coder-platform/clusters/dev/coder',
    );
    expect(first.status).toBe(200);
    expect(first.body.fetchedAt).toBe(good.body.fetchedAt);
    let stale = first;
    while (!stale.body.stale) {
      await new Promise(resolve => setTimeout(resolve, 10));
      stale = await request(server).get(
        '/api/coder-platform/clusters/dev/coder',
      );
    }
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({
      stale: true,
      fetchedAt: good.body.fetchedAt,
      buildInfo: good.body.buildInfo,
      error: { upstream: 'coder', message: expect.any(String) },
    });
    expect(stale.text).not.toContain(token);
  });

  it('answers 503 naming the upstream when there is no good data', async () => {
    const server = await start({ coderUrl: coder.url, token });
    const response = await request(server).get(
      '/api/coder-platform/clusters/down/coder',
    );
    expect(response.status).toBe(503);
    expect(response.body.error.message).toMatch(
      /^coder of cluster down is unavailable/,
    );
    expect(response.text).not.toMatch(TOKEN_LEAK);
  });

  it.each([
    ['/clusters/nope/coder', 404, /No cluster named "nope"/],
    ['/clusters/nope/releases', 404, /No cluster named "nope"/],
    [
      '/clusters/bare/keycloak/users',
      404,
      /Cluster bare has no keycloak configured/,
    ],
    ['/clusters/bare/backups/postgres', 404, /no backups\.postgres configured/],
    ['/clusters/bare/backups/workspaces', 404, /no backups\.restic configured/],
    ['/clusters/bare/releases', 404, /no kubernetes configured/],
    [
      '/clusters/dev/workspaces?limit=0',
      400,
      /"limit" must be between 1 and 100/,
    ],
    ['/clusters/dev/workspaces?offset=abc', 400, /"offset" must be an integer/],
    ['/clusters/dev/workspaces?q=a&q=b', 400, /"q" must be given once/],
    [
      '/clusters/dev/keycloak/users?max=1000',
      400,
      /"max" must be between 1 and 100/,
    ],
    ['/clusters/dev/keycloak/users?first=-1', 400, /"first" must be between 0/],
    ['/clusters/dev/keycloak/users/..%2Fadmin/groups', 400, /"userId"/],
  ])('GET %s → %d', async (path, status, message) => {
    const server = await start({ coderUrl: coder.url, token });
    const response = await request(server).get(`/api/coder-platform${path}`);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toMatch(message);
  });

  it.each([
    ['/clusters', 'coder-platform.cluster.read'],
    ['/clusters/dev', 'coder-platform.cluster.read'],
    ['/clusters/dev/coder', 'coder-platform.coder.read'],
    ['/clusters/dev/workspaces', 'coder-platform.coder.read'],
    ['/clusters/dev/keycloak/users', 'coder-platform.keycloak.users.read'],
    [
      '/clusters/dev/keycloak/users/abc/groups',
      'coder-platform.keycloak.users.read',
    ],
    ['/clusters/dev/keycloak/summary', 'coder-platform.keycloak.users.read'],
    ['/clusters/dev/backups/postgres', 'coder-platform.backups.read'],
    ['/clusters/dev/backups/workspaces', 'coder-platform.backups.read'],
    ['/clusters/dev/releases', 'coder-platform.releases.read'],
  ])('GET %s needs %s', async (path, permission) => {
    const server = await start({
      coderUrl: coder.url,
      token,
      denied: [permission],
    });
    const response = await request(server).get(`/api/coder-platform${path}`);
    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe(
      `Missing permission ${permission}`,
    );
    expect(coder.requests).toHaveLength(0);
  });
});
