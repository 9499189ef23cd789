import { mockCredentials } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { mockContext } from '../cluster/__testUtils__/context';
import {
  clusterResource,
  MemoryCatalog,
  workspaceOptions,
} from './__testUtils__/clusterCatalog';
import { normaliseClusterRef } from './workspaceImageCluster';
import { createWorkspaceImageValidateAction } from './workspaceImageValidate';

const valid = {
  name: 'java-training',
  owner: 'group:default/developers',
  baseImage: 'ubuntu:24.04',
  cpu: 2,
  memoryGib: 4,
  homeDiskGib: 10,
  docker: true,
  backup: false,
  ttlHours: 8,
  cluster: 'resource:default/dev-eu1',
  repoUrl: 'github.com?owner=acme&repo=java-training',
};

const GKE = 'projects/acme-dev/locations/europe-west1/clusters/dev-eu2';

/** The catalog of these tests: one entity per way a pick can be wrong. */
function catalog() {
  return new MemoryCatalog()
    .add(clusterResource('dev-eu1'))
    .add({
      kind: 'Component',
      metadata: {
        name: 'java-app',
        namespace: 'default',
        annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
      },
      spec: { type: 'service' },
    })
    .add({
      ...clusterResource('orders-db'),
      spec: { type: 'database', owner: 'group:default/data' },
    })
    .add(clusterResource('bare', {}))
    .add(clusterResource('bad-name', { 'coder-platform.io/cluster': 'Dev_EU' }))
    .add(clusterResource('unknown'))
    .add(clusterResource('kube-only'))
    .add(
      clusterResource('dev-eu2', {
        'coder-platform.io/cluster': 'dev-eu2',
        'coder-platform.io/gke-cluster': GKE,
      }),
    )
    .add(
      clusterResource('foreign', {
        'coder-platform.io/cluster': 'foreign',
        'coder-platform.io/gke-cluster':
          'projects/someone-else/locations/us-east1/clusters/foreign',
      }),
    )
    .add(clusterResource('private', undefined), ['user:default/platform-admin'])
    .add({
      kind: 'Resource',
      metadata: {
        name: 'eu3',
        namespace: 'platform',
        annotations: { 'coder-platform.io/cluster': 'dev-eu1' },
      },
      spec: { type: 'coder-cluster' },
    });
}

async function validate(cluster: string, memory = catalog()) {
  const options = workspaceOptions(memory);
  const action = createWorkspaceImageValidateAction(options);
  const ctx = mockContext({ ...valid, cluster });
  const error = await action.handler(ctx as any).then(
    () => undefined,
    e => e as Error,
  );
  return {
    error,
    outputs: Object.fromEntries(ctx.output.mock.calls),
    lookups: memory.lookups,
    ctx,
  };
}

describe('coder-platform:workspace-image:validate: the cluster', () => {
  it.each([
    ['resource:default/dev-eu1', 'resource:default/dev-eu1'],
    ['default/dev-eu1', 'resource:default/dev-eu1'],
    ['dev-eu1', 'resource:default/dev-eu1'],
    ['Resource:platform/eu3', 'resource:platform/eu3'],
    ['component:default/java-app', 'component:default/java-app'],
  ])('normalises %s to %s', (ref, normalised) => {
    expect(normaliseClusterRef(ref)).toBe(normalised);
  });

  it('passes a configured cluster: looks it up with the initiator credentials and outputs its name', async () => {
    const { error, outputs, lookups, ctx } = await validate(
      'resource:default/dev-eu1',
    );
    expect(error).toBeUndefined();
    expect(outputs).toMatchObject({
      cluster: 'dev-eu1',
      clusterEntityRef: 'resource:default/dev-eu1',
      clusterTarget: 'dev-eu1',
    });
    expect(lookups).toEqual([
      {
        ref: 'resource:default/dev-eu1',
        credentials: await ctx.getInitiatorCredentials(),
      },
    ]);
  });

  it('passes a Resource in another namespace by its annotation', async () => {
    const { error, outputs } = await validate('resource:platform/eu3');
    expect(error).toBeUndefined();
    expect(outputs).toMatchObject({
      cluster: 'dev-eu1',
      clusterEntityRef: 'resource:platform/eu3',
      clusterTarget: 'dev-eu1',
    });
  });

  it('passes a discovered cluster of an allowed GKE project, targeting its GKE resource name', async () => {
    const { error, outputs } = await validate('resource:default/dev-eu2');
    expect(error).toBeUndefined();
    expect(outputs).toMatchObject({
      cluster: 'dev-eu2',
      clusterEntityRef: 'resource:default/dev-eu2',
      clusterTarget: GKE,
    });
  });

  it('looks the cluster up in a dry run too (it only reads)', async () => {
    const memory = catalog();
    const action = createWorkspaceImageValidateAction(workspaceOptions(memory));
    const ctx = mockContext(
      { ...valid, cluster: 'resource:default/unknown' },
      { isDryRun: true },
    );
    await expect(action.handler(ctx as any)).rejects.toThrow(
      'cluster: resource:default/unknown names cluster "unknown"',
    );
    expect(memory.lookups).toHaveLength(1);
  });

  it.each([
    [
      'a missing entity',
      'resource:default/nowhere',
      'cluster: resource:default/nowhere is not in the catalog, or you may not read it; pick a Resource of spec.type coder-cluster',
    ],
    [
      'an entity the initiator may not read',
      'resource:default/private',
      'cluster: resource:default/private is not in the catalog, or you may not read it',
    ],
    [
      'another kind',
      'component:default/java-app',
      'cluster: component:default/java-app is a Component, not a Resource of spec.type coder-cluster',
    ],
    [
      'a Resource of another spec.type',
      'resource:default/orders-db',
      'cluster: resource:default/orders-db is a Resource of spec.type "database", not coder-cluster',
    ],
    [
      'no coder-platform.io/cluster annotation',
      'resource:default/bare',
      'cluster: resource:default/bare has no coder-platform.io/cluster annotation naming its cluster',
    ],
    [
      'an annotation that is no cluster name',
      'resource:default/bad-name',
      'cluster: resource:default/bad-name has coder-platform.io/cluster "Dev_EU", which is not a cluster name',
    ],
    [
      'a cluster neither configured nor on GKE',
      'resource:default/unknown',
      'cluster: resource:default/unknown names cluster "unknown", which is neither in coderPlatform.clusters (dev-eu1, kube-only) nor a GKE cluster the backend may reach (coder-cluster resource:default/unknown: annotation coder-platform.io/gke-cluster is missing',
    ],
    [
      'a GKE cluster of a project that is not allowed',
      'resource:default/foreign',
      'names project "someone-else", which is not in coderPlatform.gke.allowedProjects',
    ],
    [
      'a configured cluster without Coder',
      'resource:default/kube-only',
      'cluster: cluster "kube-only" (resource:default/kube-only) has no coder block in coderPlatform.clusters[] of app-config',
    ],
  ])('refuses %s naming the field', async (_case, cluster, message) => {
    const { error, outputs } = await validate(cluster);
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toContain(
      'coder-platform:workspace-image:validate: the request was refused before anything was rendered: cluster: ',
    );
    expect(error!.message).toContain(message);
    expect(outputs).toEqual({});
  });

  it('reads the catalog as the initiator: a platform admin may pick the cluster others cannot read', async () => {
    const memory = catalog();
    const action = createWorkspaceImageValidateAction(workspaceOptions(memory));
    const ctx = {
      ...mockContext({ ...valid, cluster: 'resource:default/private' }),
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/platform-admin'),
    };
    await expect(action.handler(ctx as any)).rejects.toThrow(
      // found this time; refused for what it names, not for being missing
      'resource:default/private names cluster "private"',
    );
  });

  it('does not look the cluster up when other fields are refused', async () => {
    const memory = catalog();
    const action = createWorkspaceImageValidateAction(workspaceOptions(memory));
    const ctx = mockContext({ ...valid, name: 'Bad Name' });
    await expect(action.handler(ctx as any)).rejects.toThrow('name: ');
    expect(memory.lookups).toEqual([]);
  });

  it('turns a catalog failure into an error a platform engineer can act on', async () => {
    const memory = catalog();
    memory.failure = new Error('connect ECONNREFUSED 127.0.0.1:7007');
    const { error, outputs } = await validate(
      'resource:default/dev-eu1',
      memory,
    );
    expect(error).not.toBeInstanceOf(InputError);
    expect(error!.message).toBe(
      'coder-platform:workspace-image:validate: cluster: looking up resource:default/dev-eu1 in the catalog failed (Error: connect ECONNREFUSED 127.0.0.1:7007); nothing was published, run the template again once the catalog answers',
    );
    expect(outputs).toEqual({});
  });
});
