import {
  requirePeer,
  useNodeHttpTransportForStorage,
  walgLayout,
  writeWalgLayout,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { randomBytes } from 'node:crypto';
import { deltaChains } from './deltaChains';
import { WalgBackups } from './WalgBackups';

/** Against the real GCS emulator (fake-gcs-server) with a realistic wal-g layout. */
describe('WalgBackups against the GCS emulator', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'test',
  });
  const bucketName = `walg-${randomBytes(4).toString('hex')}`;
  const prefix = 'spilo/dev/main-postgres-db/main/wal/14';
  const now = new Date();
  const layout = walgLayout({
    prefix,
    now,
    walSegments: 5000,
    timelineSwitches: [0.3, 0.7],
  });

  const transport = useNodeHttpTransportForStorage();

  beforeAll(async () => {
    await storage.createBucket(bucketName);
    await writeWalgLayout(storage.bucket(bucketName), layout);
    // ~5,000 uploads: minutes when the machine is shared with other suites.
  }, 600_000);

  afterAll(async () => {
    await storage.bucket(bucketName).deleteFiles({ force: true });
    await storage.bucket(bucketName).delete();
    transport.restore();
  }, 600_000);

  it('reads every backup, its metadata and the delta chains', async () => {
    const requests: string[] = [];
    const walg = new WalgBackups({
      bucketName,
      apiEndpoint: PEERS_GCS_URL,
      projectId: 'test',
      onRequest: op => requests.push(op),
    });
    const backups = await walg.listBackups(prefix);
    expect(backups.map(b => b.name)).toEqual(layout.backups.map(b => b.name));
    expect(backups.map(b => b.finishTime)).toEqual(
      layout.backups.map(b => b.finishTime),
    );
    expect(new Set(backups.map(b => b.timeline))).toEqual(new Set([1, 2, 3]));
    const chains = deltaChains(backups);
    expect(chains.map(c => c.full)).toEqual(
      layout.backups.filter(b => b.kind === 'full').map(b => b.name),
    );
    expect(requests.filter(r => r === 'list')).toHaveLength(1);
    await expect(walg.hasBackups(prefix)).resolves.toBe(true);
    await expect(walg.hasBackups(`${prefix}-missing`)).resolves.toBe(false);
  });

  it('finds the newest WAL file by probes, from scratch and from the latest backup', async () => {
    const walg = new WalgBackups({
      bucketName,
      apiEndpoint: PEERS_GCS_URL,
      projectId: 'test',
      walPageSize: 100,
    });
    const fromScratch = await walg.findNewestWal(prefix);
    expect(fromScratch).toMatchObject({
      newestFile: layout.newestWalFile,
      timeline: 3,
      highestTimeline: 3,
    });
    // Listing would take walFileCount / 100 pages; the probes stay logarithmic.
    expect(fromScratch.listRequests).toBeLessThan(
      2 * Math.log2(layout.walFileCount) + 8,
    );
    expect(fromScratch.listRequests).toBeLessThan(layout.walFileCount / 100);
    expect(fromScratch.lagSeconds).toBeLessThan(600);

    const backups = await walg.listBackups(prefix);
    const fromBackup = await walg.findNewestWal(prefix, {
      fromSegment: backups[backups.length - 1].startSegment,
    });
    expect(fromBackup.newestFile).toBe(layout.newestWalFile);
  });
});
