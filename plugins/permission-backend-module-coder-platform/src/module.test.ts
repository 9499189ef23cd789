import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ADMIN_GROUP_MEMBER,
  ADMIN_USER,
  DEVELOPER,
} from './__testUtils__/directory';
import {
  startPolicyBackend,
  waitForCatalog,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

describe('the policy in a backend with the real permission, catalog and coder-platform plugins', () => {
  let server: unknown;

  beforeAll(async () => {
    server = await startPolicyBackend({ scaffolder: false });
    await waitForCatalog(server, ADMIN_GROUP_MEMBER);
  });

  const get = (url: string, userRef: string) =>
    request(server as any)
      .get(url)
      .set('Authorization', mockCredentials.user.header(userRef));

  it.each([
    '/api/coder-platform/clusters/x/keycloak/users',
    '/api/coder-platform/clusters/x/keycloak/summary',
    '/api/coder-platform/clusters/dev-eu1/keycloak/users?search=alice',
    '/api/coder-platform/clusters/dev-eu1/keycloak/users/0b9c2e1a-aaaa-bbbb-cccc-123456789abc/groups',
  ])('a developer gets 403 from %s', async url => {
    const response = await get(url, DEVELOPER);
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'coder-platform.keycloak.users.read',
    );
  });

  it.each([ADMIN_GROUP_MEMBER, ADMIN_USER])(
    '%s passes the users permission check (the unknown cluster answers 404)',
    async userRef => {
      const response = await get(
        '/api/coder-platform/clusters/x/keycloak/users',
        userRef,
      );
      expect(response.status).toBe(404);
      expect(response.text).toContain('x');
    },
  );

  it.each([
    '/api/coder-platform/clusters/x/coder',
    '/api/coder-platform/clusters/x/backups/postgres',
    '/api/coder-platform/clusters/x/releases',
  ])(
    'a developer passes the read check of %s (404: no such cluster)',
    async url => {
      expect((await get(url, DEVELOPER)).status).toBe(404);
    },
  );

  it('a developer lists the clusters', async () => {
    const response = await get('/api/coder-platform/clusters', DEVELOPER);
    expect(response.status).toBe(200);
    expect(response.body.items.map((c: { name: string }) => c.name)).toEqual([
      'dev-eu1',
    ]);
  });

  const names = (body: Array<{ metadata: { name: string } }>) =>
    body.map(e => e.metadata.name).sort();

  it('a developer does not see admin-only templates in /api/catalog/entities', async () => {
    const response = await get(
      '/api/catalog/entities?filter=kind=template,kind=component',
      DEVELOPER,
    );
    expect(response.status).toBe(200);
    // the Component carries the tag too, but only Templates are hidden
    expect(names(response.body)).toEqual([
      'coder-platform-backend',
      'untagged-provisioning',
      'workspace-image',
    ]);
  });

  it('an admin sees every template', async () => {
    const response = await get(
      '/api/catalog/entities?filter=kind=template',
      ADMIN_GROUP_MEMBER,
    );
    expect(names(response.body)).toEqual([
      'coder-development-cluster',
      'postgres-restore',
      'untagged-provisioning',
      'workspace-image',
    ]);
  });

  it.each([
    ['coder-development-cluster', 404],
    ['postgres-restore', 404],
    ['workspace-image', 200],
  ])(
    'a developer reading template %s by name gets %s',
    async (name, status) => {
      const response = await get(
        `/api/catalog/entities/by-name/template/default/${name}`,
        DEVELOPER,
      );
      expect(response.status).toBe(status);
    },
  );

  it('the entity query endpoint hides admin templates too', async () => {
    const response = await get(
      '/api/catalog/entities/by-query?filter=kind=template',
      DEVELOPER,
    );
    expect(response.status).toBe(200);
    expect(
      response.body.items
        .map((e: { metadata: { name: string } }) => e.metadata.name)
        .sort(),
    ).toEqual(['untagged-provisioning', 'workspace-image']);
  });
});
