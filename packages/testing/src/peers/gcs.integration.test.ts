import { Storage } from '@google-cloud/storage';
import { randomBytes } from 'node:crypto';
import { useNodeHttpTransportForStorage } from '../gcs/storageInJest';
import { requirePeer } from './peersEnv';

/** fake-gcs-server, reached by the official client through apiEndpoint only. */
describe('gcs emulator peer', () => {
  const peer = requirePeer('gcs', ['PEERS_GCS_URL']);
  const storage = new Storage({
    apiEndpoint: peer.PEERS_GCS_URL,
    projectId: 'peers-check',
  });
  const bucketName = `peers-check-${randomBytes(3).toString('hex')}`;

  const transport = useNodeHttpTransportForStorage();
  // Small objects go up in one request, as wal-g's sentinels do; resumable
  // uploads go through gaxios, whose node-fetch import jest cannot run.
  const simpleUpload = { resumable: false };

  afterAll(async () => {
    await storage
      .bucket(bucketName)
      .deleteFiles({ force: true })
      .catch(() => {});
    await storage
      .bucket(bucketName)
      .delete()
      .catch(() => {});
    transport.restore();
  });

  it('uploads, lists with prefix and delimiter, and reads objects', async () => {
    const [bucket] = await storage.createBucket(bucketName);
    const prefix = 'spilo/main/wal/15';
    await bucket
      .file(
        `${prefix}/basebackups_005/base_000000010000000000000002_backup_stop_sentinel.json`,
      )
      .save(
        JSON.stringify({ LSN: 33554472, FinishLSN: 50331896 }),
        simpleUpload,
      );
    await bucket
      .file(`${prefix}/wal_005/000000010000000000000003.br`)
      .save(Buffer.from([1, 2, 3]), simpleUpload);
    await bucket
      .file(`${prefix}/wal_005/00000002.history.br`)
      .save('x', simpleUpload);

    const [files, , apiResponse] = await bucket.getFiles({
      prefix: `${prefix}/`,
      delimiter: '/',
      autoPaginate: false,
    });
    expect(files).toEqual([]);
    expect(
      ((apiResponse as { prefixes?: string[] }).prefixes ?? []).sort(),
    ).toEqual([`${prefix}/basebackups_005/`, `${prefix}/wal_005/`]);

    const [walFiles] = await bucket.getFiles({ prefix: `${prefix}/wal_005/` });
    expect(walFiles.map(f => f.name).sort()).toEqual([
      `${prefix}/wal_005/000000010000000000000003.br`,
      `${prefix}/wal_005/00000002.history.br`,
    ]);

    const [content] = await bucket
      .file(
        `${prefix}/basebackups_005/base_000000010000000000000002_backup_stop_sentinel.json`,
      )
      .download();
    expect(JSON.parse(content.toString())).toEqual({
      LSN: 33554472,
      FinishLSN: 50331896,
    });
  });
});
