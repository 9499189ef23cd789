import yaml from 'yaml';
import { PatchStrategy } from '@kubernetes/client-node';
import { createKubernetesApplyAction } from './kubernetesApply';
import { examples } from './kubernetesApply.examples';
import { mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { kubePeer, uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('kubernetes:apply against the local API server', () => {
  const peer = kubePeer();
  const action = createKubernetesApplyAction({ config: peer.config() });
  const api = peer.api();
  const inPeer = createdInPeer(api);
  afterAll(() => inPeer.remove());

  const run = async (input: Record<string, unknown>) => {
    const ctx = mockContext(input);
    await action.handler(ctx);
    const outputs = Object.fromEntries(ctx.output.mock.calls);
    return { ctx, outputs };
  };

  it('keys checkpoints by cluster: one task applying to two clusters runs both', async () => {
    const ns = inPeer.namespace('two');
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ${ns}}\ndata: {a: "1"}`;
    // A task's checkpoint store, shared by its steps (as after a resume).
    const store = new Map<string, unknown>();
    let ran = 0;
    const step = async (cluster: string) => {
      const ctx = mockContext({ cluster, manifest });
      ctx.checkpoint = jest.fn(
        async ({ key, fn }: { key: string; fn: () => unknown }) => {
          if (!store.has(key)) {
            ran += 1;
            store.set(key, await fn());
          }
          return store.get(key);
        },
      ) as any;
      await action.handler(ctx);
    };
    await step('local');
    const afterFirst = ran;
    await step('dev');
    expect(ran).toBe(afterFirst * 2);
    const keys = [...store.keys()];
    expect(
      keys.filter(k => k.startsWith('kubernetes:apply:local:')),
    ).toHaveLength(afterFirst);
    expect(
      keys.filter(k => k.startsWith('kubernetes:apply:dev:')),
    ).toHaveLength(afterFirst);
  });

  it('creates the namespace and objects, then re-applies as a no-op', async () => {
    const ns = inPeer.namespace('apply');
    inPeer.clusterObject(
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      `${ns}-viewer`,
    );
    const manifest = [
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: ${ns}}\ndata: {a: "1"}`,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: ${ns}}\nstringData: {password: s3cr3t-value}`,
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${ns}-viewer}\nrules: [{apiGroups: [acid.zalan.do], resources: ["*"], verbs: [get, list, watch]}]`,
    ].join('\n---\n');

    const first = await run({ cluster: 'local', manifest });
    expect(first.outputs.applied.map((a: any) => a.result)).toEqual([
      'created',
      'created',
      'created',
    ]);
    expect(first.outputs.changed).toBe(3);
    expect(JSON.stringify(first.ctx.logger.info.mock.calls)).not.toContain(
      's3cr3t-value',
    );
    const cm = await api.readOptional<any>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: ns },
    });
    expect(cm.data).toEqual({ a: '1' });
    expect(cm.metadata.managedFields.map((f: any) => f.manager)).toContain(
      'coder-platform',
    );

    const again = await run({
      cluster: 'local-kubeconfig',
      manifest,
    });
    expect(again.outputs.changed).toBe(0);
    expect(again.outputs.applied.map((a: any) => a.result)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);

    const changed = await run({
      cluster: 'local',
      manifest: manifest.replace('a: "1"', 'a: "2"'),
    });
    expect(changed.outputs.applied.map((a: any) => a.result)).toEqual([
      'configured',
      'unchanged',
      'unchanged',
    ]);
  });

  it('applies CRDs first and waits until they are Established', async () => {
    const group = `${uniqueName('g')}.example.com`;
    const ns = inPeer.namespace('crd');
    inPeer.clusterObject(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      `widgets.${group}`,
    );
    const manifest = [
      `apiVersion: ${group}/v1\nkind: Widget\nmetadata: {name: first}\nspec: {size: 3}`,
      yaml.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `widgets.${group}` },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { size: { type: 'integer' } },
                    },
                    status: {
                      type: 'object',
                      'x-kubernetes-preserve-unknown-fields': true,
                    },
                  },
                },
              },
            },
          ],
        },
      }),
    ].join('\n---\n');
    const { outputs } = await run({
      cluster: 'local',
      manifest,
      namespace: ns,
    });
    expect(outputs.applied.map((a: any) => `${a.kind}:${a.result}`)).toEqual([
      'CustomResourceDefinition:created',
      'Widget:created',
    ]);
    expect(outputs.applied[1].namespace).toBe(ns);

    // No status subresource on this CRD, so a plain patch can set the
    // condition, as a controller would.
    const widget = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'first', namespace: ns },
    };
    const wait = { ...widget, ...widget.metadata };
    await expect(
      run({
        cluster: 'local',
        manifest,
        namespace: ns,
        waitFor: [{ ...wait, timeoutSeconds: 1 }],
      }),
    ).rejects.toThrow(
      `timed out after 1s waiting for Widget ${ns}/first to have Ready=True; last seen: Ready=absent`,
    );

    let patchError: unknown;
    const markReady = setTimeout(() => {
      api
        .patch(
          {
            ...widget,
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          },
          undefined,
          undefined,
          'test-controller',
          undefined,
          PatchStrategy.MergePatch,
        )
        .catch(error => {
          patchError = error;
        });
    }, 500);
    try {
      const waited = await run({
        cluster: 'local',
        manifest,
        namespace: ns,
        waitFor: [{ ...wait, timeoutSeconds: 5 }],
      });
      expect(waited.outputs.changed).toBe(0);
    } catch (error) {
      throw patchError ?? error;
    } finally {
      clearTimeout(markReady);
    }
  });

  it('fails on a field owned by another manager unless forced', async () => {
    const ns = inPeer.namespace('conflict');
    await run({
      cluster: 'local',
      manifest: `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`,
    });
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared', namespace: ns },
        data: { owner: 'kubectl' },
      },
      'kubectl',
    );
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: ${ns}}\ndata: {owner: backstage}`;
    await expect(run({ cluster: 'local', manifest })).rejects.toThrow(
      /ConfigMap .*\/shared in cluster "local" failed: HTTP 409: .*conflict.*set force: true/i,
    );
    const forced = await run({
      cluster: 'local',
      manifest,
      force: true,
    });
    expect(forced.outputs.applied[0].result).toBe('configured');
  });

  it('applies the StorageClass example for real', async () => {
    const input = yaml.parse(examples[0].example).steps[0].input;
    await run(input);
    const { outputs } = await run(input);
    expect(outputs.changed).toBe(0);
  });
});
