import { InputError } from '@backstage/errors';
import { mockContext } from '../cluster/__testUtils__/context';
import {
  clusterResource,
  MemoryCatalog,
  workspaceOptions,
} from './__testUtils__/clusterCatalog';
import { createWorkspaceImageValidateAction } from './workspaceImageValidate';

const valid = {
  name: 'java-training',
  owner: 'group:default/developers',
  baseImage: 'ubuntu:24.04',
  cpu: 2,
  memoryGib: 4,
  homeDiskGib: 10,
  docker: true,
  backup: true,
  backupCron: '15 * * * *',
  ttlHours: 8,
  cluster: 'resource:default/dev-eu1',
  repoUrl: 'github.com?owner=acme&repo=java-training',
};

const GKE = 'projects/acme-dev/locations/europe-west1/clusters/dev-eu2';
const BUCKET = 'coder-platform.io/backup-bucket';
const PREFIX = 'coder-platform.io/restic-prefix';

/** Resources naming the configured dev-eu1 (or the discovered dev-eu2), with the backup annotations each way they can be wrong. */
function catalog() {
  const on = (
    name: string,
    extra: Record<string, string>,
    cluster = 'dev-eu1',
  ) =>
    clusterResource(name, { 'coder-platform.io/cluster': cluster, ...extra });
  return new MemoryCatalog()
    .add(clusterResource('dev-eu1'))
    .add(on('plain', {}))
    .add(on('bucket-only', { [BUCKET]: 'acme-coder-backups' }))
    .add(on('prefix-only', { [PREFIX]: 'coder/dev-eu1' }))
    .add(on('bad-bucket', { [BUCKET]: 'Acme_Backups', [PREFIX]: 'coder/x' }))
    .add(
      on('traversal', {
        [BUCKET]: 'acme-coder-backups',
        [PREFIX]: 'coder/../x',
      }),
    )
    .add(
      on('hostile', {
        [BUCKET]: 'acme-coder-backups',
        [PREFIX]: 'coder/x\n$(curl evil)',
      }),
    )
    .add(
      on('padded', {
        [BUCKET]: ' acme-coder-backups ',
        [PREFIX]: 'coder/dev-eu1\n',
      }),
    )
    .add(on('gke-plain', { 'coder-platform.io/gke-cluster': GKE }, 'dev-eu2'));
}

async function validate(input: Record<string, unknown>) {
  const memory = catalog();
  const action = createWorkspaceImageValidateAction(workspaceOptions(memory));
  const ctx = mockContext({ ...valid, ...input });
  const error = await action.handler(ctx as any).then(
    () => undefined,
    e => e as Error,
  );
  return {
    error,
    outputs: Object.fromEntries(ctx.output.mock.calls),
    lookups: memory.lookups.map(l => l.ref),
  };
}

describe('coder-platform:workspace-image:validate: home backup needs a restic repository', () => {
  it('outputs gs:<bucket>:/<prefix> from the cluster Resource', async () => {
    const { error, outputs } = await validate({});
    expect(error).toBeUndefined();
    expect(outputs.resticRepositoryPrefix).toBe(
      'gs:acme-coder-backups:/coder/dev-eu1',
    );
    expect(outputs.coderVariables.backup_enabled).toBe(true);
  });

  it('trims the annotations as the cluster parser does', async () => {
    const { error, outputs } = await validate({
      cluster: 'resource:default/padded',
    });
    expect(error).toBeUndefined();
    expect(outputs.resticRepositoryPrefix).toBe(
      'gs:acme-coder-backups:/coder/dev-eu1',
    );
  });

  it.each([
    [
      'no backup annotations',
      'plain',
      `has no ${BUCKET} annotation, so workspaces have no restic repository`,
    ],
    ['no restic prefix', 'bucket-only', `has no ${PREFIX} annotation`],
    ['a prefix without a bucket', 'prefix-only', `has no ${BUCKET} annotation`],
    [
      'a bucket that is no GCS bucket name',
      'bad-bucket',
      `has ${BUCKET} "Acme_Backups", which is not a GCS bucket name`,
    ],
    [
      'a prefix that climbs out of its folder',
      'traversal',
      `has ${PREFIX} "coder/../x", which is not a bucket prefix`,
    ],
    [
      'a prefix with a newline and a shell command',
      'hostile',
      `has ${PREFIX} "coder/x\\n$(curl evil)", which is not a bucket prefix`,
    ],
    [
      'a discovered GKE cluster without them',
      'gke-plain',
      `has no ${BUCKET} annotation`,
    ],
  ])(
    'refuses backup: true on a cluster with %s, naming backup and what to do',
    async (_case, name, problem) => {
      const cluster = `resource:default/${name}`;
      const { error, outputs, lookups } = await validate({ cluster });
      expect(error).toBeInstanceOf(InputError);
      expect(error!.message).toContain(
        `coder-platform:workspace-image:validate: the request was refused before anything was rendered: backup: home backup is on, but the cluster Resource ${cluster} ${problem}`,
      );
      expect(error!.message).toContain(
        `turn backup off, or annotate the Resource with ${BUCKET} (the GCS bucket) and ${PREFIX} (e.g. coder/`,
      );
      expect(error!.message).toContain(
        'as the coder-development-cluster template registers it',
      );
      expect(error!.message).not.toContain('\n');
      expect(lookups).toEqual([cluster]);
      expect(outputs).toEqual({});
    },
  );

  it('passes the same cluster with backup off, with an empty prefix', async () => {
    const { error, outputs } = await validate({
      cluster: 'resource:default/plain',
      backup: false,
      backupCron: undefined,
    });
    expect(error).toBeUndefined();
    expect(outputs.resticRepositoryPrefix).toBe('');
    expect(outputs.coderVariables.backup_enabled).toBe(false);
  });

  it('still outputs the prefix of an annotated cluster with backup off', async () => {
    const { error, outputs } = await validate({ backup: false });
    expect(error).toBeUndefined();
    expect(outputs.resticRepositoryPrefix).toBe(
      'gs:acme-coder-backups:/coder/dev-eu1',
    );
  });

  it('refuses a cluster the backend does not know for that, not for its backups', async () => {
    const { error } = await validate({ cluster: 'resource:default/nowhere' });
    expect(error!.message).toContain(
      'cluster: resource:default/nowhere is not in the catalog',
    );
    expect(error!.message).not.toContain('backup: ');
  });
});
