import {
  GcsTlsProxy,
  requirePeer,
  seedResticRepositories,
  startGcsTlsProxy,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { spawnSync } from 'node:child_process';
import { ResticBackups } from './ResticBackups';

/**
 * Real restic (Debian 0.14) with its real `gs:` backend against the GCS
 * emulator. restic cannot be pointed at another GCS endpoint, so its HTTPS
 * goes through a local TLS-terminating proxy to fake-gcs-server.
 */
describe('ResticBackups with the real restic binary', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const { PEERS_RESTIC_BIN } = requirePeer('restic', ['PEERS_RESTIC_BIN']);
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'test',
  });
  const bucketName = `restic-${Date.now().toString(36)}`;
  const prefix = 'coder/dev';
  const transport = useNodeHttpTransportForStorage();
  let proxy: GcsTlsProxy;

  beforeAll(async () => {
    await storage.createBucket(bucketName);
    proxy = await startGcsTlsProxy({ gcsUrl: PEERS_GCS_URL });
    await seedResticRepositories({
      resticBin: PEERS_RESTIC_BIN,
      bucket: bucketName,
      prefix,
      password: 'prefix-default',
      env: proxy.env,
      caCertFile: proxy.caFile,
      workspaces: [
        { name: 'coder-alice-dev', snapshots: 2, files: 3 },
        { name: 'coder-bob-main', snapshots: 1, files: 5 },
        {
          name: 'coder-carol-x',
          snapshots: 1,
          files: 1,
          password: 'carol-own',
        },
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await proxy?.stop();
    await storage.bucket(bucketName).deleteFiles({ force: true });
    await storage.bucket(bucketName).delete();
    transport.restore();
  }, 60_000);

  it('reports the latest snapshot, its size and the count per workspace', async () => {
    const calls: string[] = [];
    const restic = new ResticBackups({
      bucket: storage.bucket(bucketName),
      prefix,
      password: 'prefix-default',
      resticBin: PEERS_RESTIC_BIN,
      env: proxy.env,
      caCertFile: proxy.caFile,
      onRequest: op => calls.push(op),
    });
    const items = await restic.list();
    expect(items.map(i => i.repository)).toEqual([
      'coder-alice-dev',
      'coder-bob-main',
      'coder-carol-x',
    ]);
    expect(items[0]).toMatchObject({
      snapshotCount: 2,
      latestSnapshot: {
        hostname: 'coder-alice-dev',
        // restic counts the directories on the path too (/tmp and the data dir).
        fileCount: 3 + 2,
        restoreSize: expect.any(Number),
        time: expect.any(String),
      },
    });
    expect(items[0].ageSeconds).toBeLessThan(600);
    expect(items[1]).toMatchObject({
      snapshotCount: 1,
      latestSnapshot: { fileCount: 5 + 2 },
    });
    // A repository with another password is reported, not fatal, and the password is not echoed.
    expect(items[2].error).toMatch(
      /restic snapshots of coder-carol-x failed: .*wrong password/,
    );
    expect(JSON.stringify(items)).not.toContain('prefix-default');
    expect(calls.filter(c => c.startsWith('restic'))).toHaveLength(5);
  });

  it('kills the running restic process when the call is aborted, and starts no more', async () => {
    const restic = new ResticBackups({
      bucket: storage.bucket(bucketName),
      prefix,
      password: 'prefix-default',
      resticBin: PEERS_RESTIC_BIN,
      env: proxy.env,
      caCertFile: proxy.caFile,
    });
    const controller = new AbortController();
    const started: string[] = [];
    const attempt = restic.list(new Date(), {
      signal: controller.signal,
      gate: (operation, request) => {
        started.push(operation);
        const running = request(controller.signal);
        if (operation.startsWith('restic')) {
          controller.abort(new Error('budget spent'));
        }
        return running;
      },
    });
    await expect(attempt).rejects.toThrow('budget spent');
    // One listing, one restic process (killed); the others never started.
    expect(started).toEqual(['gcs.list', 'restic snapshots']);
    // The promise settled after the process exited: none is left.
    const left = spawnSync('pgrep', ['-f', bucketName]);
    expect(left.status).toBe(1);
  });
});
