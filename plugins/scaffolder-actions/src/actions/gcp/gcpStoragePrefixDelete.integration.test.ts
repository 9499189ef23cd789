import { useNodeHttpTransportForStorage } from '@coder-platform/testing';
import { createGcpStoragePrefixDeleteAction } from './gcpStoragePrefixDelete';
import { gcsEmulator } from './__testUtils__/gcsEmulator';
import { mockContext } from './__testUtils__/harness';

jest.setTimeout(120_000);

/** Against the real GCS emulator (fake-gcs-server): paged listing and deletion. */
describe('gcp:storage:prefix-delete against the GCS emulator', () => {
  const gcs = gcsEmulator();
  const bucketName = `coder-backups-${Date.now()}`;
  const bucket = gcs.storage.bucket(bucketName);
  // pageSize 7 with 23 objects: four pages, so paging is exercised.
  const action = createGcpStoragePrefixDeleteAction({ config: gcs.config() });
  const input = {
    bucket: bucketName,
    prefix: 'spilo/dev-cluster',
    pageSize: 7,
  };
  const doomed = Array.from(
    { length: 23 },
    (_, i) =>
      `spilo/dev-cluster/wal/14/wal_005/0000000100000000000000${String(
        i,
      ).padStart(2, '0')}.lz4`,
  );
  const survivors = [
    'spilo/dev-cluster2/wal/14/basebackups_005/base_01.json',
    'spilo/dev-cluster',
    'coder/dev-cluster/restic/config',
    'spilo/other/dev-cluster/x',
  ];
  const names = async (prefix = '') =>
    (await bucket.getFiles({ prefix }))[0].map(f => f.name).sort();
  let transport: { restore(): void };

  beforeAll(async () => {
    transport = useNodeHttpTransportForStorage();
    await gcs.storage.createBucket(bucketName);
    for (const name of [...doomed, ...survivors])
      await bucket.file(name).save(`data of ${name}`, { resumable: false });
  });
  afterAll(async () => {
    await bucket.deleteFiles({ force: true }).catch(() => undefined);
    await bucket.delete().catch(() => undefined);
    transport.restore();
  });

  it('dry run counts every page and deletes nothing', async () => {
    const { ctx, outputs, logs } = mockContext(input, { dryRun: true });
    await action.handler(ctx);
    expect(outputs()).toMatchObject({
      prefix: 'spilo/dev-cluster/',
      url: `gs://${bucketName}/spilo/dev-cluster/`,
      objects: 23,
      changed: false,
    });
    expect(logs()).toMatch(/would delete 23 object\(s\)/);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(await names()).toHaveLength(27);
  });

  it('deletes every object under the prefix, page by page, and nothing else', async () => {
    const { ctx, outputs } = mockContext(input);
    await action.handler(ctx);
    expect(outputs()).toMatchObject({ objects: 23, changed: true });
    expect(await names()).toEqual([...survivors].sort());
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: `gcp:storage:prefix-delete:gs://${bucketName}/spilo/dev-cluster/`,
      }),
    );
    const [exists] = await bucket.exists();
    expect(exists).toBe(true);
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext(input);
    await action.handler(ctx);
    expect(outputs()).toMatchObject({ objects: 0, changed: false });
    expect(logs()).toMatch(/already absent/);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
  });

  it('names the bucket when it does not exist', async () => {
    const { ctx } = mockContext({ ...input, bucket: `${bucketName}-missing` });
    await expect(action.handler(ctx)).rejects.toThrow(
      /^bucket: bucket .*-missing does not exist/,
    );
  });
});
