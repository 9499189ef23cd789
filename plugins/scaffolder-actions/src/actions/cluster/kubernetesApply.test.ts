import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createKubernetesApplyAction, parseManifests } from './kubernetesApply';
import { createKubeConfig } from '@coder-platform/plugin-coder-platform-node';
import { ObjectApi } from './kubernetes';
import { mockContext } from './__testUtils__/context';
import { startRecordingServer } from './__testUtils__/recordingServer';
import { kubeClusterEntry } from './__testUtils__/fakeKube';

describe('kubernetes:apply', () => {
  const mockDir = createMockDirectory();
  let server: Awaited<ReturnType<typeof startRecordingServer>>;
  let action: ReturnType<typeof createKubernetesApplyAction>;

  beforeEach(async () => {
    server = await startRecordingServer();
    action = createKubernetesApplyAction({
      config: new ConfigReader({
        coderPlatform: { clusters: [kubeClusterEntry('stub', server.url)] },
      }),
    });
  });
  afterEach(() => server.stop());

  describe('parseManifests', () => {
    it('splits documents, skips empty ones and flattens List', () => {
      const objects = parseManifests(
        [
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata: {name: a}',
          '---',
          '---',
          'apiVersion: v1',
          'kind: List',
          'items:',
          '- {apiVersion: v1, kind: Secret, metadata: {name: b}}',
        ].join('\n'),
        'manifest',
      );
      expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
        'ConfigMap/a',
        'Secret/b',
      ]);
    });

    it.each([
      [
        'kind: ConfigMap\nmetadata: {name: a}',
        'document 1 needs apiVersion, kind and metadata.name',
      ],
      ['apiVersion: v1\nkind: [unclosed', 'document 1 is not valid YAML'],
      ['# nothing here\n', 'contains no Kubernetes objects'],
    ])('rejects %j', (text, message) => {
      expect(() => parseManifests(text, 'manifest')).toThrow(
        `manifest: ${message}`,
      );
    });
  });

  it.each([
    [{ cluster: 'stub' }, 'give exactly one of manifest or manifestPath'],
    [
      { cluster: 'stub', manifest: 'a: 1', manifestPath: 'x.yaml' },
      'give exactly one of manifest or manifestPath',
    ],
    [
      {
        cluster: '',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      },
      'cluster: give a cluster name',
    ],
    [
      {
        cluster: 'nope',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      },
      'cluster: "nope" is neither a cluster of coderPlatform.clusters (stub)',
    ],
    [
      {
        cluster: '10.0.0.1',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      },
      'endpoints and URLs are not accepted',
    ],
    [
      { cluster: 'stub', manifestPath: 'missing.yaml' },
      'manifestPath missing.yaml: cannot read it',
    ],
    [{ cluster: 'stub', manifestPath: '../outside.yaml' }, 'outside'],
  ])('rejects input %j naming the field', async (input, message) => {
    const ctx = mockContext(input, { workspacePath: mockDir.path });
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(server.writes()).toEqual([]);
  });

  it('dry run reads only and logs the plan', async () => {
    mockDir.setContent({
      'manifests/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n',
    });
    const ctx = mockContext(
      { cluster: 'stub', manifestPath: 'manifests/cm.yaml' },
      { isDryRun: true, workspacePath: mockDir.path },
    );
    await action.handler(ctx);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.writes()).toEqual([]);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would create ConfigMap x/a',
    );
    expect(ctx.output).toHaveBeenCalledWith('changed', 0);
  });

  it('stops when the task is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    const ctx = mockContext(
      {
        cluster: 'stub',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}',
      },
      { signal: controller.signal },
    );
    await expect(action.handler(ctx)).rejects.toThrow();
    expect(server.writes()).toEqual([]);
  });

  it('reports an API server error naming the object', async () => {
    const ctx = mockContext({
      cluster: 'stub',
      manifest: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}',
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'kubernetes:apply: Widget w',
    );
  });
});

describe('kubernetes:apply retries', () => {
  it('retries a 503 from the API server, then reads', async () => {
    let objectCalls = 0;
    const server = await startRecordingServer(req => {
      if (req.url === '/api/v1') {
        return {
          status: 200,
          body: {
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [
              {
                name: 'namespaces',
                namespaced: false,
                kind: 'Namespace',
                verbs: ['get'],
              },
            ],
          },
        };
      }
      objectCalls += 1;
      return objectCalls === 1
        ? {
            status: 503,
            body: { kind: 'Status', message: 'etcd busy', code: 503 },
          }
        : undefined;
    });
    try {
      const api = ObjectApi.create(
        createKubeConfig({ url: server.url, token: 't', skipTLSVerify: true }),
      );
      api.retryDelayMs = 1;
      await expect(
        api.readOptional({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'x' },
        }),
      ).resolves.toBeUndefined();
      expect(objectCalls).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
