import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { requirePeer } from './peersEnv';

/** The real kube-apiserver + etcd from `yarn peers up kube`. */
describe('kube-apiserver peer', () => {
  const peer = requirePeer('kube', ['PEERS_KUBECONFIG']);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(peer.PEERS_KUBECONFIG);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apiExtensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const suffix = randomBytes(3).toString('hex');
  const namespace = `peers-check-${suffix}`;
  const group = `peers${suffix}.coder-platform.io`;

  function apply<T extends KubernetesObject>(object: T) {
    return objects.patch(
      object,
      undefined,
      undefined,
      'coder-platform-tests',
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => {});
    await apiExtensions
      .deleteCustomResourceDefinition({ name: `widgets.${group}` })
      .catch(() => {});
  });

  it('creates a namespace and server-side applies a CRD and a custom resource', async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });

    await apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        scope: 'Namespaced',
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
                },
              },
            },
          },
        ],
      },
    } as KubernetesObject);

    // The API server must report the CRD Established before it serves it.
    let established = false;
    for (let i = 0; i < 60 && !established; i++) {
      const crd = await apiExtensions.readCustomResourceDefinition({
        name: `widgets.${group}`,
      });
      established = Boolean(
        crd.status?.conditions?.some(
          c => c.type === 'Established' && c.status === 'True',
        ),
      );
      if (!established) await new Promise(r => setTimeout(r, 500));
    }
    expect(established).toBe(true);

    const widget: KubernetesObject & { spec: { size: number } } = {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'first', namespace },
      spec: { size: 3 },
    };
    // Discovery of a brand-new group can lag a moment behind Established.
    let applied: KubernetesObject | undefined;
    for (let i = 0; i < 20 && !applied; i++) {
      applied = await apply(widget).catch(async error => {
        if (i === 19) throw error;
        await new Promise(r => setTimeout(r, 500));
        return undefined;
      });
    }
    const read = await objects.read<
      KubernetesObject & { spec: { size: number } }
    >({
      apiVersion: widget.apiVersion,
      kind: widget.kind,
      metadata: { name: 'first', namespace },
    });
    expect(read.spec.size).toBe(3);
    expect(read.metadata?.managedFields?.[0]?.manager).toBe(
      'coder-platform-tests',
    );

    // Re-applying the same object is a no-op: the resourceVersion stays.
    const again = await apply(widget);
    expect(again.metadata?.resourceVersion).toBe(
      read.metadata?.resourceVersion,
    );
  });
});
