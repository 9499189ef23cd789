import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  CatalogAccess,
  catalogUnregisterExamples as examples,
  createCatalogUnregisterAction,
} from '@coder-platform/plugin-scaffolder-backend-module-coder-platform';

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'yaml';

jest.setTimeout(120_000);

const USER = mockCredentials.user.header();

/** A coder-cluster Resource as the cluster template writes it. */
const clusterResource = (name: string, type = 'coder-cluster') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    annotations: { 'coder-platform.io/cluster': name },
  },
  spec: { type, owner: 'group:platform-team' },
});

/**
 * coder-platform:catalog:unregister against the real catalog backend (SQLite
 * in memory): locations registered through its REST API from a local HTTP
 * server, as catalog:register does with a repository URL, and one location
 * from app-config. The action gets the real CatalogService and the task
 * initiator's credentials.
 */
describe('coder-platform:catalog:unregister against the real catalog', () => {
  const files = new Map<string, string>();
  let server: Server;
  let base: string;
  let baseUrl: string;
  let dir: string;
  let catalog: CatalogAccess;
  /** Each permission the catalog asked about, with whose credentials. */
  const authorized: Array<{ permission: string; principal: string }> = [];
  /** A permission the recording permission service denies. */
  let denied: string | undefined;
  const action = () => createCatalogUnregisterAction({ catalog });

  const api = async (method: string, pathname: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/catalog${pathname}`, {
      method,
      headers: {
        authorization: USER,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const waitFor = async (what: string, fn: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await fn()) return;
      await new Promise(r => setTimeout(r, 300));
    }
    throw new Error(`timed out waiting until ${what}`);
  };

  const entityStatus = async (ref: string) => {
    const [kind, rest] = ref.split(':');
    return (await api('GET', `/entities/by-name/${kind}/${rest}`)).status;
  };

  /** Serves `entities` at /<file> and registers that URL as a location. */
  const register = async (file: string, entities: object[]) => {
    files.set(`/${file}`, entities.map(e => yaml.stringify(e)).join('---\n'));
    const target = `${base}/${file}`;
    const res = await api('POST', '/locations', { type: 'url', target });
    expect(res.status).toBe(201);
    for (const e of entities as any[]) {
      const ref = `resource:default/${e.metadata.name}`;
      await waitFor(`${ref} is in the catalog`, async () => {
        return (await entityStatus(ref)) === 200;
      });
    }
    return target;
  };

  const context = (input: Record<string, unknown>, isDryRun = false) => {
    const outputs: Record<string, unknown> = {};
    const lines: string[] = [];
    const log = (m: string) => void lines.push(m);
    const logger: any = { info: log, warn: log, error: log, debug: log };
    logger.child = () => logger;
    const checkpoints: string[] = [];
    const ctx: any = {
      input,
      logger,
      isDryRun,
      secrets: {},
      output: (k: string, v: unknown) => void (outputs[k] = v),
      checkpoint: async ({ key, fn }: { key: string; fn: () => unknown }) => {
        checkpoints.push(key);
        return fn();
      },
      getInitiatorCredentials: async () => mockCredentials.user(),
    };
    return { ctx, outputs, lines, checkpoints };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, {
        'content-type': 'text/yaml',
      });
      res.end(body ?? 'not found');
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'catalog-unregister-'));
    writeFileSync(
      path.join(dir, 'static.yaml'),
      yaml.stringify(clusterResource('static')),
    );
    const probe = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({
          deps: { catalogService: catalogServiceRef },
          async init({ catalogService }) {
            catalog = catalogService;
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        probe,
        // Records who the catalog authorizes (plugin-permission-common is not
        // a dependency here: its results as strings).
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => {
            const decide = async (
              requests: Array<{ permission: { name: string } }>,
              options?: { credentials?: BackstageCredentials },
            ) =>
              requests.map(({ permission }) => {
                const principal = options?.credentials?.principal as any;
                authorized.push({
                  permission: permission.name,
                  principal:
                    principal?.userEntityRef ??
                    principal?.subject ??
                    String(principal?.type),
                });
                return {
                  result: permission.name === denied ? 'DENY' : 'ALLOW',
                };
              });
            return {
              authorize: decide,
              authorizeConditional: decide,
            } as any;
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Resource', 'Location'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'static.yaml') },
              ],
            },
          },
        }),
      ],
    });
    baseUrl = `http://127.0.0.1:${
      (backend.server.address() as AddressInfo).port
    }`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise(r => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as written: dry run plans, the run unregisters the location, a re-run does nothing',
    async (_description, example) => {
      const { input } = yaml.parse(example).steps[0];
      const target = await register('clusters/dev/catalog-info.yaml', [
        clusterResource('dev'),
      ]);

      const planned = context(input, true);
      await action().handler(planned.ctx);
      expect(planned.outputs).toMatchObject({
        entityRef: 'resource:default/dev',
        found: true,
        method: 'location',
        location: `url:${target}`,
        changed: false,
      });
      expect(planned.outputs.removedEntities).toEqual([
        expect.stringMatching(/^location:default\/generated-/),
        'resource:default/dev',
      ]);
      expect(planned.lines).toContain(
        `[dry run] resource:default/dev: unregister location url:${target} (removes ${(
          planned.outputs.removedEntities as string[]
        ).join(', ')})`,
      );
      expect(planned.checkpoints).toEqual([]);
      expect(await entityStatus('resource:default/dev')).toBe(200);

      const run = context(input);
      await action().handler(run.ctx);
      expect(run.outputs).toMatchObject({ method: 'location', changed: true });
      expect(run.checkpoints).toEqual([
        expect.stringMatching(/^catalog\.unregister\.location\./),
      ]);
      await waitFor('resource:default/dev is gone', async () => {
        return (await entityStatus('resource:default/dev')) === 404;
      });
      const locations = (await api('GET', '/locations')).body as any[];
      expect(locations.map(l => l.data.target)).not.toContain(target);

      const again = context(input);
      await action().handler(again.ctx);
      expect(again.outputs).toEqual({
        entityRef: 'resource:default/dev',
        found: false,
        method: 'none',
        removedEntities: [],
        changed: false,
      });
      expect(again.checkpoints).toEqual([]);
    },
  );

  it('refuses a location that registers other entities too, unless removeColocated', async () => {
    await register('clusters/two/catalog-info.yaml', [
      clusterResource('two'),
      clusterResource('two-extra'),
    ]);
    const refused = context({ entityRef: 'resource:default/two' });
    await expect(action().handler(refused.ctx)).rejects.toThrow(
      /registers resource:default\/two-extra as well as resource:default\/two; unregistering it would remove them too\. Set removeColocated: true/,
    );
    expect(await entityStatus('resource:default/two')).toBe(200);

    const run = context({
      entityRef: 'resource:default/two',
      removeColocated: true,
    });
    await action().handler(run.ctx);
    for (const ref of ['resource:default/two', 'resource:default/two-extra']) {
      await waitFor(`${ref} is gone`, async () => {
        return (await entityStatus(ref)) === 404;
      });
    }
  });

  it.each([
    [
      { expectedType: 'postgres' },
      /^expectedType: resource:default\/typed has spec\.type coder-cluster, not postgres; it is left in the catalog$/,
    ],
    [
      { expectedAnnotations: { 'coder-platform.io/cluster': 'prod' } },
      /^expectedAnnotations: resource:default\/typed has coder-platform\.io\/cluster: typed, not prod; it is left in the catalog$/,
    ],
  ])('leaves an entity that does not match %j', async (guard, message) => {
    if ((await entityStatus('resource:default/typed')) !== 200) {
      await register('clusters/typed/catalog-info.yaml', [
        clusterResource('typed'),
      ]);
    }
    const ctx = context({ entityRef: 'resource:default/typed', ...guard });
    await expect(action().handler(ctx.ctx)).rejects.toThrow(message);
    expect(await entityStatus('resource:default/typed')).toBe(200);
  });

  it('deletes an entity of an app-config location by uid, and warns that it comes back from there', async () => {
    await waitFor('resource:default/static is in the catalog', async () => {
      return (await entityStatus('resource:default/static')) === 200;
    });
    const run = context({
      entityRef: 'resource:static',
      expectedType: 'coder-cluster',
    });
    await action().handler(run.ctx);
    expect(run.outputs).toMatchObject({
      method: 'entity',
      removedEntities: ['resource:default/static'],
      changed: true,
    });
    expect(run.lines.join('\n')).toMatch(
      /comes from file:.*static\.yaml, which is not a location registered in the catalog \(app-config catalog\.locations or an entity provider\)/,
    );
    expect(run.checkpoints).toEqual([
      expect.stringMatching(/^catalog\.unregister\.entity\./),
    ]);
    expect(await entityStatus('resource:default/static')).toBe(404);
  });

  it("acts as the task's user: the catalog authorizes each call for them, and a denied unregister names the missing permission", async () => {
    await register('clusters/perm/catalog-info.yaml', [
      clusterResource('perm'),
    ]);
    authorized.length = 0;
    denied = 'catalog.location.delete';
    try {
      const ctx = context({ entityRef: 'resource:default/perm' });
      await expect(action().handler(ctx.ctx)).rejects.toThrow(
        /^coder-platform:catalog:unregister: could not unregister url:http:\/\/127\.0\.0\.1:\d+\/clusters\/perm\/catalog-info\.yaml: .*; the user who runs the task needs the catalog permissions to read and delete resource:default\/perm \(and to unregister its location\)$/,
      );
    } finally {
      denied = undefined;
    }
    const user = mockCredentials.user().principal.userEntityRef;
    expect(authorized).toContainEqual({
      permission: 'catalog.entity.read',
      principal: user,
    });
    expect(authorized).toContainEqual({
      permission: 'catalog.location.delete',
      principal: user,
    });
    // Every call the action made was authorized for the user, none for a service.
    expect(new Set(authorized.map(a => a.principal))).toEqual(new Set([user]));
    expect(await entityStatus('resource:default/perm')).toBe(200);
  });

  it('names the field of a malformed entity ref', async () => {
    const ctx = context({ entityRef: 'dev' });
    await expect(action().handler(ctx.ctx)).rejects.toThrow(
      /^entityRef: "dev" is not an entity ref such as resource:default\/dev$/,
    );
  });
});
