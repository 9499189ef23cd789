import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { coderPlatformPlugin } from './plugin';

const clustersConfig = {
  coderPlatform: {
    clusters: [
      {
        name: 'dev-eu1',
        title: 'Development EU',
        coder: {
          url: 'https://coder.example.com',
          token: 'coder-secret-token',
        },
        keycloak: {
          baseUrl: 'https://auth.example.com',
          realm: 'example-com',
          clientId: 'backstage',
          clientSecret: 'keycloak-secret',
        },
        backups: {
          bucket: 'backups',
          postgres: [
            {
              name: 'main',
              prefix: 'spilo/main/wal/15',
              schedule: '00 01 * * *',
            },
          ],
        },
      },
      { name: 'staging' },
    ],
  },
};

async function startBackend(
  result: AuthorizeResult,
  config: object = clustersConfig,
) {
  const { server } = await startTestBackend({
    features: [
      coderPlatformPlugin,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result } as any),
    ],
  });
  return server;
}

describe('coder-platform backend plugin', () => {
  it('lists configured clusters without endpoints or credentials', async () => {
    const server = await startBackend(AuthorizeResult.ALLOW);
    const response = await request(server).get('/api/coder-platform/clusters');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          name: 'dev-eu1',
          title: 'Development EU',
          upstreams: {
            coder: true,
            keycloak: true,
            postgresBackups: true,
            workspaceBackups: false,
            kubernetes: false,
          },
        },
        {
          name: 'staging',
          title: 'staging',
          upstreams: {
            coder: false,
            keycloak: false,
            postgresBackups: false,
            workspaceBackups: false,
            kubernetes: false,
          },
        },
      ],
    });
    expect(response.text).not.toMatch(/secret|coder\.example\.com/);
  });

  it('refuses callers without coder-platform.cluster.read', async () => {
    const server = await startBackend(AuthorizeResult.DENY);
    const response = await request(server).get('/api/coder-platform/clusters');

    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'coder-platform.cluster.read',
    );
  });

  it('fails start-up naming the bad cluster name', async () => {
    await expect(
      startBackend(AuthorizeResult.ALLOW, {
        coderPlatform: { clusters: [{ name: 'Dev_EU' }] },
      }),
    ).rejects.toThrow(
      /coderPlatform\.clusters\[0\]\.name "Dev_EU" is not a valid cluster name/,
    );
  });
});
