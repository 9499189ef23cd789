import { ConfigReader } from '@backstage/config';
import { createKubernetesDeleteAction } from './kubernetesDelete';
import { mockContext } from './__testUtils__/context';
import { memoryKubeConfig, startMemoryKube } from './__testUtils__/memoryKube';

describe('kubernetes:delete', () => {
  let kube: Awaited<ReturnType<typeof startMemoryKube>>;
  const run = async (
    input: Record<string, unknown>,
    extra: Parameters<typeof mockContext>[1] = {},
  ) => {
    const action = createKubernetesDeleteAction({
      config: new ConfigReader(memoryKubeConfig(kube.url)),
      pollIntervalMs: 5,
    });
    const ctx = mockContext({ cluster: 'dev', ...input }, extra);
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };
  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', name });
  const deletes = () =>
    kube
      .mutations()
      .filter(r => r.method === 'DELETE')
      .map(r => r.path.split('?')[0]);

  afterEach(() => kube.stop());

  describe('input', () => {
    beforeEach(async () => {
      kube = await startMemoryKube();
    });

    it.each([
      [
        { kind: 'Namespace', name: 'a', labelSelector: 'x=1' },
        'objects[0]: give name/names or labelSelector, not both',
      ],
      [
        { kind: 'Namespace' },
        'objects[0]: give name/names or labelSelector, not neither',
      ],
      [
        { kind: 'ConfigMap', name: 'a' },
        'objects[0].namespace is required: ConfigMap is namespaced',
      ],
      [
        { kind: 'Namespace', name: 'a', namespace: 'b' },
        'objects[0].namespace: Namespace is cluster-scoped',
      ],
      [
        { kind: 'Namespace', names: ['coder', 'kube-system'] },
        'refusing to delete Namespace kube-system',
      ],
      [
        { kind: 'Widget', name: 'a' },
        'objects[0]: the API server has no resource for Widget in v1',
      ],
    ])('rejects %j naming the field', async (entry, message) => {
      kube.namespace('coder');
      await expect(run({ objects: [entry] })).rejects.toThrow(message);
      expect(kube.mutations()).toEqual([]);
    });

    it('checks every entry before deleting anything', async () => {
      kube.namespace('coder');
      await expect(
        run({
          objects: [
            { kind: 'Namespace', name: 'coder' },
            { kind: 'ConfigMap', name: 'no-namespace' },
          ],
        }),
      ).rejects.toThrow('objects[1].namespace is required');
      expect(kube.mutations()).toEqual([]);
    });

    it('refuses a selector that matches a system namespace', async () => {
      kube.namespace('default', { everything: 'yes' });
      await expect(
        run({
          objects: [{ kind: 'Namespace', labelSelector: 'everything=yes' }],
        }),
      ).rejects.toThrow('refusing to delete Namespace default');
      expect(kube.mutations()).toEqual([]);
    });

    it('skips a kind whose API group is not served (its CRD is gone)', async () => {
      const { ctx, out } = await run({
        objects: [
          {
            apiVersion: 'acid.zalan.do/v1',
            kind: 'postgresql',
            namespace: 'postgres',
            name: 'main-postgres-db',
          },
        ],
      });
      expect(out).toEqual({ deleted: [], absent: [], changed: 0 });
      expect(ctx.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'the API server does not serve acid.zalan.do/v1',
        ),
      );
    });
  });

  it('deletes by selector, then by name, waiting for each entry before the next; a re-run is a no-op', async () => {
    kube = await startMemoryKube({ namespaceTerminatingReads: 2 });
    kube.namespace('coder-alice-ws', { 'user-namespace': '1' });
    kube.namespace('coder-bob-ws', { 'user-namespace': '1' });
    kube.namespace('coder');
    kube.namespace('unrelated');
    const input = {
      objects: [
        { kind: 'Namespace', labelSelector: 'user-namespace=1' },
        { kind: 'Namespace', names: ['coder', 'keycloak'] },
      ],
    };
    const { out } = await run(input);
    expect(out).toEqual({
      deleted: [ns('coder-alice-ws'), ns('coder-bob-ws'), ns('coder')],
      absent: [ns('keycloak')],
      changed: 3,
    });
    for (const name of ['coder-alice-ws', 'coder-bob-ws', 'coder']) {
      expect(kube.get('Namespace', undefined, name)).toBeUndefined();
    }
    expect(kube.get('Namespace', undefined, 'unrelated')).toBeDefined();
    // The user namespaces were gone (a 404 read) before coder was deleted.
    const paths = kube.requests.map(r => `${r.method} ${r.path.split('?')[0]}`);
    const coderDelete = paths.indexOf('DELETE /api/v1/namespaces/coder');
    const lastUserRead = paths.lastIndexOf(
      'GET /api/v1/namespaces/coder-bob-ws',
    );
    expect(lastUserRead).toBeGreaterThan(
      paths.indexOf('DELETE /api/v1/namespaces/coder-bob-ws'),
    );
    expect(coderDelete).toBeGreaterThan(lastUserRead);

    const before = kube.mutations().length;
    const again = await run(input);
    expect(again.out).toEqual({
      deleted: [],
      absent: [ns('coder'), ns('keycloak')],
      changed: 0,
    });
    expect(kube.mutations()).toHaveLength(before);
  });

  it('deletes namespaced objects by name and selector without waiting', async () => {
    kube = await startMemoryKube();
    kube.namespace('coder');
    kube.secret('coder', 'a', { k: 'v' }, { app: 'old' });
    kube.secret('coder', 'b', { k: 'v' }, { app: 'old' });
    kube.secret('coder', 'keep', { k: 'v' }, { app: 'new' });
    const { out } = await run({
      objects: [
        { kind: 'Secret', namespace: 'coder', labelSelector: 'app=old' },
      ],
      wait: false,
      propagationPolicy: 'Foreground',
    });
    expect(out.changed).toBe(2);
    expect(deletes()).toEqual([
      '/api/v1/namespaces/coder/secrets/a',
      '/api/v1/namespaces/coder/secrets/b',
    ]);
    expect(kube.mutations()[0].path).toContain('propagationPolicy=Foreground');
    expect(kube.get('Secret', 'coder', 'keep')).toBeDefined();
  });

  it('dry run lists what would go and changes nothing', async () => {
    kube = await startMemoryKube();
    kube.namespace('coder-alice-ws', { 'user-namespace': '1' });
    const { ctx, out } = await run(
      {
        objects: [
          { kind: 'Namespace', labelSelector: 'user-namespace=1' },
          { kind: 'Namespace', name: 'coder' },
        ],
      },
      { isDryRun: true },
    );
    expect(out).toEqual({
      deleted: [ns('coder-alice-ws')],
      absent: [ns('coder')],
      changed: 0,
    });
    expect(kube.mutations()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would delete Namespace coder-alice-ws',
    );
  });

  it('gives up after timeoutSeconds naming the namespace that stays Terminating', async () => {
    kube = await startMemoryKube({ stuck: true });
    kube.namespace('coder');
    await expect(
      run({
        objects: [{ kind: 'Namespace', name: 'coder' }],
        timeoutSeconds: 1,
      }),
    ).rejects.toThrow(
      'timed out after 1s waiting for 1 object(s) to be deleted: Namespace coder (Terminating)',
    );
    // A re-run waits for it without deleting again.
    const before = deletes().length;
    await expect(
      run({
        objects: [{ kind: 'Namespace', name: 'coder' }],
        timeoutSeconds: 1,
      }),
    ).rejects.toThrow('timed out');
    expect(deletes()).toHaveLength(before);
  });

  it('names the object when the API server refuses a read or a delete', async () => {
    kube = await startMemoryKube();
    kube.namespace('coder');
    kube.failNext(/^GET \/api\/v1\/namespaces\/coder$/, 403);
    await expect(
      run({ objects: [{ kind: 'Namespace', name: 'coder' }] }),
    ).rejects.toThrow(
      'kubernetes:delete: objects[0]: reading Namespace coder failed: HTTP 403: injected failure',
    );
    kube.failNext(/^DELETE /, 403);
    await expect(
      run({ objects: [{ kind: 'Namespace', name: 'coder' }] }),
    ).rejects.toThrow(
      'kubernetes:delete: deleting Namespace coder failed: HTTP 403: injected failure',
    );
  });

  it('stops when the task is cancelled', async () => {
    kube = await startMemoryKube();
    kube.namespace('coder');
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(
      run(
        { objects: [{ kind: 'Namespace', name: 'coder' }] },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('cancelled by user');
    expect(kube.mutations()).toEqual([]);
  });
});
