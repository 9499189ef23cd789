import { requirePeer } from '@coder-platform/testing';
import { createKubernetesDeleteAction } from './kubernetesDelete';
import { mockContext } from './__testUtils__/context';
import { kubePeer, uniqueName } from './__testUtils__/peers';

jest.setTimeout(120_000);

describe('kubernetes:delete against the local API server and controller-manager', () => {
  // Namespace deletion finishes only with the namespace controller running.
  requirePeer('kube', ['PEERS_KUBE_CONTROLLER_MANAGER_URL']);
  const api = kubePeer().api();
  const action = createKubernetesDeleteAction({
    config: kubePeer().config(),
    pollIntervalMs: 250,
  });
  const run = async (input: Record<string, unknown>, isDryRun = false) => {
    const ctx = mockContext({ cluster: 'local', ...input }, { isDryRun });
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };
  const namespace = async (name: string, labels?: Record<string, string>) => {
    await api.serverSideApply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
      'test',
    );
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: name },
        data: { a: '1' },
      },
      'test',
    );
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: name },
        stringData: { password: 'x' },
      },
      'test',
    );
  };
  const exists = async (name: string) =>
    Boolean(
      await api.readOptional({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      }),
    );

  it('deletes labelled user namespaces, then app namespaces, until they are really gone', async () => {
    const run1 = uniqueName('t');
    const label = { 'user-namespace': '1', 'h7-test-run': run1 };
    const users = [`${run1}-coder-alice`, `${run1}-coder-bob`];
    const apps = [`${run1}-coder`, `${run1}-keycloak`];
    for (const n of users) await namespace(n, label);
    for (const n of apps) await namespace(n);
    const bystander = `${run1}-other`;
    await namespace(bystander, { 'user-namespace': '0' });

    const input = {
      objects: [
        {
          kind: 'Namespace',
          labelSelector: `user-namespace=1,h7-test-run=${run1}`,
        },
        { kind: 'Namespace', names: apps },
      ],
      timeoutSeconds: 90,
    };
    const planned = await run(input, true);
    expect(planned.out.deleted.map((d: any) => d.name).sort()).toEqual(
      [...users, ...apps].sort(),
    );
    for (const n of [...users, ...apps]) expect(await exists(n)).toBe(true);

    const { out } = await run(input);
    expect(out.changed).toBe(4);
    expect(out.absent).toEqual([]);
    for (const n of [...users, ...apps]) expect(await exists(n)).toBe(false);
    expect(await exists(bystander)).toBe(true);
    // The namespace controller removed the objects inside, too.
    expect(
      await api.readOptional({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: apps[0] },
      }),
    ).toBeUndefined();

    const again = await run(input);
    expect(again.out.changed).toBe(0);
    expect(again.out.absent.map((a: any) => a.name)).toEqual(apps);

    await run({ objects: [{ kind: 'Namespace', name: bystander }] });
    expect(await exists(bystander)).toBe(false);
  });

  it('Foreground deletion waits for the garbage collector to remove dependents', async () => {
    const ns = uniqueName('gc');
    await namespace(ns);
    const owner = await api.readOptional<any>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: ns },
    });
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'dependent',
          namespace: ns,
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'settings',
              uid: owner.metadata.uid,
              blockOwnerDeletion: true,
            },
          ],
        },
      },
      'test',
    );
    const { out } = await run({
      objects: [{ kind: 'ConfigMap', namespace: ns, name: 'settings' }],
      propagationPolicy: 'Foreground',
      timeoutSeconds: 60,
    });
    expect(out.changed).toBe(1);
    expect(
      await api.readOptional({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'dependent', namespace: ns },
      }),
    ).toBeUndefined();
    await run({ objects: [{ kind: 'Namespace', name: ns }] });
  });

  it('deletes namespaced objects by selector and waits for them', async () => {
    const ns = uniqueName('objects');
    await namespace(ns);
    for (const name of ['old-a', 'old-b']) {
      await api.serverSideApply(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: ns, labels: { release: 'old' } },
        },
        'test',
      );
    }
    const { out } = await run({
      objects: [
        { kind: 'ConfigMap', namespace: ns, labelSelector: 'release=old' },
        { apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'creds' },
      ],
    });
    expect(out.deleted.map((d: any) => `${d.kind}/${d.name}`)).toEqual([
      'ConfigMap/old-a',
      'ConfigMap/old-b',
      'Secret/creds',
    ]);
    expect(
      await api.readOptional({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: ns },
      }),
    ).toBeDefined();
    await run({ objects: [{ kind: 'Namespace', name: ns }] });
  });
});

describe('the local controller-manager', () => {
  const api = kubePeer().api();

  it('gives a new namespace its default ServiceAccount and fills token Secrets', async () => {
    const ns = uniqueName('sa');
    await api.serverSideApply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      'test',
    );
    const read = (kind: string, name: string) =>
      api.readOptional<any>({
        apiVersion: 'v1',
        kind,
        metadata: { name, namespace: ns },
      });
    const eventually = async <T>(fn: () => Promise<T | undefined>) => {
      for (let i = 0; i < 120; i++) {
        const value = await fn();
        if (value) return value;
        await new Promise(r => setTimeout(r, 250));
      }
      return undefined;
    };
    expect(
      await eventually(() => read('ServiceAccount', 'default')),
    ).toBeDefined();
    await api.serverSideApply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: 'default-token',
          namespace: ns,
          annotations: { 'kubernetes.io/service-account.name': 'default' },
        },
      },
      'test',
    );
    const token = await eventually(async () => {
      const secret = await read('Secret', 'default-token');
      return secret?.data?.token ? secret : undefined;
    });
    expect(Object.keys(token?.data ?? {}).sort()).toEqual([
      'ca.crt',
      'namespace',
      'token',
    ]);
    await api.delete({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
  });
});
