import {
  GcsTlsProxy,
  ProxyFault,
  RecordingPrefixProxy,
  requirePeer,
  seedResticRepositories,
  startGcsTlsProxy,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResticBackups, ResticUnavailableError } from './ResticBackups';

/**
 * The real restic binary and its `gs:` backend against the real GCS
 * emulator, with the fault proxy between restic's TLS proxy and the
 * emulator: the storage hanging, cutting answers, refusing connections or
 * answering 503 fails the whole read with a {@link ResticUnavailableError}
 * naming the repository (not every workspace reported broken), leaves no
 * restic process behind, and the next read after the fault is good. A wrong
 * password and a restic that fails are reported per repository; a restic
 * binary that cannot run fails the read naming the setting. The password is
 * in no message.
 */
jest.setTimeout(120_000);

const PASSWORD = 'restic-faults-node-pw';

describe('ResticBackups with the repository storage failing', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const { PEERS_RESTIC_BIN } = requirePeer('restic', ['PEERS_RESTIC_BIN']);
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'test',
  });
  const bucketName = `restic-faults-${Date.now().toString(36)}`;
  const prefix = 'coder/dev';
  const transport = useNodeHttpTransportForStorage();
  let faults: RecordingPrefixProxy;
  let tls: GcsTlsProxy;
  let scripts: string;

  const backups = (options: { password?: string; resticBin?: string } = {}) =>
    new ResticBackups({
      bucket: storage.bucket(bucketName),
      prefix,
      password: options.password ?? PASSWORD,
      resticBin: options.resticBin ?? PEERS_RESTIC_BIN,
      env: tls.env,
      caCertFile: tls.caFile,
      timeoutMs: 5_000,
    });

  /** restic processes of this test still running. */
  const running = () =>
    spawnSync('pgrep', ['-f', `gs:${bucketName}:`])
      .stdout.toString()
      .trim();

  beforeAll(async () => {
    await storage.createBucket(bucketName);
    // restic → TLS proxy → fault proxy (caller `restic`) → GCS emulator.
    faults = await RecordingPrefixProxy.start(PEERS_GCS_URL);
    tls = await startGcsTlsProxy({ gcsUrl: faults.urlFor('restic') });
    await seedResticRepositories({
      resticBin: PEERS_RESTIC_BIN,
      bucket: bucketName,
      prefix,
      password: PASSWORD,
      env: tls.env,
      caCertFile: tls.caFile,
      workspaces: [
        { name: 'coder-alice-dev', snapshots: 1, files: 2 },
        { name: 'coder-bob-main', snapshots: 1, files: 1 },
      ],
    });
    scripts = await mkdtemp(join(tmpdir(), 'restic-faults-bin-'));
  }, 180_000);

  afterEach(() => faults.clearFaults());

  afterAll(async () => {
    await tls?.stop();
    await faults?.stop();
    await rm(scripts, { recursive: true, force: true });
    await storage.bucket(bucketName).deleteFiles({ force: true });
    await storage.bucket(bucketName).delete();
    transport.restore();
  }, 60_000);

  it('reads both repositories through the fault proxy when no fault is set', async () => {
    const items = await backups().list();
    expect(items.map(i => [i.repository, i.snapshotCount, i.error])).toEqual([
      ['coder-alice-dev', 1, undefined],
      ['coder-bob-main', 1, undefined],
    ]);
    expect(faults.requests.some(r => r.caller === 'restic')).toBe(true);
  });

  it.each<[string, ProxyFault]>([
    ['hang', { kind: 'hang' }],
    ['cut', { kind: 'cut' }],
    ['refuse', { kind: 'refuse' }],
    ['503', { kind: 'status', status: 503, body: 'backend restarting' }],
  ])(
    'storage %s: the read fails as a whole, naming the repository; no restic is left running; the next read is good',
    async (_name, fault) => {
      faults.fault(/./, fault);
      const error = await backups()
        .list()
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error).toBeInstanceOf(ResticUnavailableError);
      expect(error!.message).toMatch(
        new RegExp(
          // Both repositories are read at once: either may fail first.
          `restic snapshots of (coder-alice-dev|coder-bob-main) (did not finish within 5 s|could not reach).*gs:${bucketName}:/coder/dev/\\1`,
        ),
      );
      expect(error!.message).not.toContain(PASSWORD);
      expect(faults.faulted(fault.kind).length).toBeGreaterThan(0);
      // The read settled only once its restic processes had exited.
      expect(running()).toBe('');

      faults.clearFaults();
      const items = await backups().list();
      expect(items.map(i => i.error)).toEqual([undefined, undefined]);
    },
  );

  it('a wrong password is reported per repository, without the password', async () => {
    const wrong = 'not-the-restic-password';
    const items = await backups({ password: wrong }).list();
    expect(items).toEqual([
      expect.objectContaining({
        repository: 'coder-alice-dev',
        error: expect.stringMatching(
          /restic snapshots of coder-alice-dev failed: Fatal: wrong password/,
        ),
      }),
      expect.objectContaining({
        repository: 'coder-bob-main',
        error: expect.stringMatching(/wrong password/),
      }),
    ]);
    expect(JSON.stringify(items)).not.toContain(wrong);
    expect(JSON.stringify(items)).not.toContain(PASSWORD);
  });

  it.each([
    [
      'exits with a Fatal message',
      'echo "Fatal: repository is damaged" >&2; exit 1',
      /coder-alice-dev failed: Fatal: repository is damaged/,
    ],
    ['crashes', 'kill -SEGV $$', /failed: restic was ended by signal SIGSEGV/],
    [
      'exits silently',
      'exit 3',
      /failed: restic exited with code 3 without a message/,
    ],
  ])(
    'a restic that %s: reported per repository',
    async (name, body, message) => {
      const bin = join(scripts, name.replace(/\W+/g, '-'));
      await writeFile(bin, `#!/bin/sh\n${body}\n`);
      await chmod(bin, 0o755);
      const items = await backups({ resticBin: bin }).list();
      expect(items.map(i => i.repository)).toEqual([
        'coder-alice-dev',
        'coder-bob-main',
      ]);
      expect(items[0].error).toMatch(message);
      expect(JSON.stringify(items)).not.toContain(PASSWORD);
    },
  );

  it('a restic binary that cannot run fails the read naming the setting', async () => {
    const missing = join(scripts, 'no-such-restic');
    await expect(backups({ resticBin: missing }).list()).rejects.toThrow(
      new ResticUnavailableError(
        `the restic binary ${missing} cannot be run (ENOENT): install restic or set coderPlatform.restic.binary to its path`,
      ),
    );
  });
});
