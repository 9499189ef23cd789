import { useNodeHttpTransportForStorage } from '@coder-platform/testing';
import { createGcpStoragePrefixDeleteAction } from './gcpStoragePrefixDelete';
import { examples } from './gcpStoragePrefixDelete.examples';
import { gcsEmulator } from './__testUtils__/gcsEmulator';
import { exampleInputs, mockContext } from './__testUtils__/harness';

/** Each example, as written, against the real GCS emulator. */
describe('gcp:storage:prefix-delete examples against the GCS emulator', () => {
  const gcs = gcsEmulator();
  const bucket = gcs.storage.bucket('coder-backups-acme');
  const action = createGcpStoragePrefixDeleteAction({ config: gcs.config() });
  const seeded = [
    'spilo/dev-cluster/wal/14/basebackups_005/base_01_backup_stop_sentinel.json',
    'spilo/dev-cluster/wal/14/wal_005/000000010000000000000001.lz4',
    'coder/dev-cluster/restic/alice/config',
    'coder/dev-cluster/restic/alice/data/00/0011',
    'spilo/prod-cluster/wal/14/wal_005/000000010000000000000001.lz4',
    'coder/prod-cluster/restic/bob/config',
  ];
  let transport: { restore(): void };

  beforeAll(async () => {
    transport = useNodeHttpTransportForStorage();
    const [exists] = await bucket.exists();
    if (!exists) await gcs.storage.createBucket('coder-backups-acme');
    for (const name of seeded)
      await bucket.file(name).save('x', { resumable: false });
  });
  afterAll(async () => {
    await bucket.deleteFiles({ force: true }).catch(() => undefined);
    await bucket.delete().catch(() => undefined);
    transport.restore();
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs as written: %s',
    async (_description, example) => {
      const inputs = exampleInputs(action.id, example);
      expect(inputs).toHaveLength(2);
      const deleted: number[] = [];
      for (const input of inputs) {
        const { ctx, outputs } = mockContext(input);
        await action.handler(ctx);
        deleted.push(outputs().objects as number);
      }
      expect(deleted).toEqual([2, 2]);
      const [left] = await bucket.getFiles();
      expect(left.map(f => f.name).sort()).toEqual([
        'coder/prod-cluster/restic/bob/config',
        'spilo/prod-cluster/wal/14/wal_005/000000010000000000000001.lz4',
      ]);
      for (const input of inputs) {
        const again = mockContext(input);
        await action.handler(again.ctx);
        expect(again.outputs()).toMatchObject({ objects: 0, changed: false });
        expect(again.ctx.checkpoint).not.toHaveBeenCalled();
      }
    },
  );
});
