import { InMemoryBucket, walgLayout } from '@coder-platform/testing';
import type { Bucket } from '@google-cloud/storage';
import { deltaChains } from './deltaChains';
import { normalizePrefix, parseWalgJson, WalgBackups } from './WalgBackups';

const NOW = new Date('2026-11-28T12:00:00Z');
const PREFIX = 'spilo/dev/main-postgres-db/main/wal/14';

function seeded(options: Partial<Parameters<typeof walgLayout>[0]> = {}) {
  const layout = walgLayout({ prefix: PREFIX, now: NOW, ...options });
  const bucket = new InMemoryBucket('backups');
  for (const object of layout.objects) {
    bucket.put(object.name, object.contents, NOW.toISOString());
  }
  const walg = new WalgBackups({
    bucket: bucket as unknown as Bucket,
    walPageSize: 100,
  });
  return { layout, bucket, walg };
}

describe('WalgBackups', () => {
  it('lists base backups from sentinels with metadata, oldest first', async () => {
    const { layout, walg, bucket } = seeded();
    const backups = await walg.listBackups(PREFIX);

    expect(backups.map(b => b.name)).toEqual(layout.backups.map(b => b.name));
    expect(backups[0]).toMatchObject({
      kind: 'full',
      timeline: 1,
      startTime: layout.backups[0].startTime,
      finishTime: layout.backups[0].finishTime,
      systemIdentifier: '7301234567890123456',
      isPermanent: true,
      pgVersion: 140009,
      compressedSize: 13107200,
    });
    expect(backups[0].startLsn).toMatch(/^0\/[0-9A-F]+$/);
    const deltas = backups.filter(b => b.kind === 'delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas[0]).toMatchObject({
      deltaCount: 1,
      deltaFullName: backups[0].name,
    });
    // One list (delimiter keeps tar partitions out), one read per sentinel,
    // one metadata.json per v1 sentinel (the newest is v2).
    expect(bucket.calls.list).toBe(1);
    expect(bucket.calls.read).toBe(2 * backups.length - 1);
  });

  it('does not read sentinels it already knows', async () => {
    const { walg, bucket } = seeded();
    const first = await walg.listBackups(PREFIX);
    const before = { ...bucket.calls };
    const again = await walg.listBackups(PREFIX, { known: first.slice(0, -1) });
    expect(again).toEqual(first);
    expect(bucket.calls.list - before.list).toBe(1);
    // Only the newest (a v2 sentinel, no metadata.json) is read.
    expect(bucket.calls.read - before.read).toBe(1);
  });

  it('builds delta chains across a timeline switch', async () => {
    const { walg } = seeded();
    const chains = deltaChains(await walg.listBackups(PREFIX));
    expect(chains.length).toBeGreaterThanOrEqual(2);
    expect(chains.every(c => !c.broken)).toBe(true);
    expect(chains.flatMap(c => c.deltas).length).toBeGreaterThan(0);
  });

  it.each([
    [
      'an LSN that is not a number',
      '{"LSN":"zero","Timeline":1,"StartTime":"2026-11-01T01:00:00Z"}',
      'sentinel: LSN "zero" is not a number',
    ],
    [
      'a StartTime that is not a time',
      '{"LSN":50331688,"Timeline":1,"StartTime":"yesterday"}',
      'sentinel: StartTime "yesterday" is not a time',
    ],
    ['a sentinel that is not JSON', '{"LSN":', 'sentinel: '],
    [
      'a sentinel that is not an object',
      '[1,2]',
      'sentinel: not a JSON object',
    ],
  ])(
    'marks a backup with %s unreadable and keeps the others',
    async (_label, contents, reason) => {
      const { layout, walg, bucket } = seeded();
      const broken = 'base_000000010000000000000002';
      bucket.put(
        `${PREFIX}/basebackups_005/${broken}_backup_stop_sentinel.json`,
        contents,
        NOW.toISOString(),
      );
      const read = await walg.readBackups(PREFIX);
      expect(read.backups.map(b => b.name)).toEqual(
        layout.backups.map(b => b.name),
      );
      expect(read.unreadable).toEqual([
        { name: broken, reason: expect.stringContaining(reason) },
      ]);
      // listBackups leaves it out too.
      await expect(walg.listBackups(PREFIX)).resolves.toHaveLength(
        layout.backups.length,
      );
    },
  );

  it('marks a malformed metadata.json unreadable, and fails the call when the storage fails', async () => {
    const { layout, walg, bucket } = seeded();
    const v1 = layout.backups[0].name;
    bucket.put(
      `${PREFIX}/basebackups_005/${v1}/metadata.json`,
      '{"start_time":"later","finish_time":"2026-11-01T01:07:00Z"}',
      NOW.toISOString(),
    );
    const read = await walg.readBackups(PREFIX);
    expect(read.unreadable).toEqual([
      {
        name: v1,
        reason: 'sentinel or metadata.json: start_time "later" is not a time',
      },
    ]);

    const failing = new WalgBackups({
      bucket: {
        name: 'b',
        getFiles: bucket.getFiles.bind(bucket),
        file: () => ({
          download: async () => {
            throw Object.assign(new Error('Backend Error'), { code: 503 });
          },
        }),
      } as unknown as Bucket,
    });
    await expect(failing.readBackups(PREFIX)).rejects.toThrow(
      'sentinel: Backend Error',
    );
  });

  it('stops before the next request once the call is aborted, and sends every request through the gate', async () => {
    const { walg, bucket } = seeded();
    const controller = new AbortController();
    const gated: string[] = [];
    await walg.readBackups(PREFIX, {
      signal: controller.signal,
      gate: (operation, request) => {
        gated.push(operation);
        return request(controller.signal);
      },
    });
    expect(gated.filter(g => g === 'gcs.list')).toHaveLength(1);
    expect(gated.filter(g => g === 'gcs.read').length).toBe(bucket.calls.read);
    const before = { ...bucket.calls };
    controller.abort(new Error('budget spent'));
    await expect(
      walg.readBackups(PREFIX, { signal: controller.signal }),
    ).rejects.toThrow('budget spent');
    expect(bucket.calls).toEqual(before);
  });

  it('answers hasBackups with a single request, and false for an empty prefix', async () => {
    const { walg, bucket } = seeded();
    await expect(walg.hasBackups(PREFIX)).resolves.toBe(true);
    expect(bucket.calls.list).toBe(1);
    await expect(walg.hasBackups('spilo/other')).resolves.toBe(false);
  });

  it('finds the newest WAL from the latest backup in one listing', async () => {
    const { layout, walg } = seeded();
    const backups = await walg.listBackups(PREFIX);
    const wal = await walg.findNewestWal(PREFIX, {
      fromSegment: backups[backups.length - 1].startSegment,
      now: new Date(NOW.getTime() + 90_000),
    });
    expect(wal).toMatchObject({
      newestFile: layout.newestWalFile,
      timeline: 2,
      highestTimeline: 2,
      lagSeconds: 90,
      listRequests: 1,
    });
  });

  it('gallops over a large prefix with few requests, across timelines', async () => {
    const { layout, walg, bucket } = seeded({
      walSegments: 20_000,
      timelineSwitches: [0.3, 0.6, 0.9],
    });
    const wal = await walg.findNewestWal(PREFIX, { now: NOW });
    expect(wal.newestFile).toBe(layout.newestWalFile);
    expect(wal.timeline).toBe(4);
    expect(wal.highestTimeline).toBe(4);
    // 20,000 objects would be 200 pages of 100; the probes need ~2·log2(n).
    expect(wal.listRequests).toBeLessThan(40);
    expect(bucket.calls.list).toBe(wal.listRequests);
  });

  it('prefers a complete segment over a .partial of the same position', async () => {
    const bucket = new InMemoryBucket();
    const walg = new WalgBackups({
      bucket: bucket as unknown as Bucket,
      walPageSize: 1,
    });
    for (const name of [
      '000000010000000000000001.lz4',
      '000000010000000000000002.lz4',
      '000000010000000000000003.lz4',
      '000000010000000000000003.partial.lz4',
    ]) {
      bucket.put(`p/wal_005/${name}`, 'x', NOW.toISOString());
    }
    const wal = await walg.findNewestWal('p', { now: NOW });
    expect(wal.newestFile).toBe('000000010000000000000003.lz4');
  });

  it('reports a new timeline with only its history file and no segments yet', async () => {
    const bucket = new InMemoryBucket();
    const walg = new WalgBackups({
      bucket: bucket as unknown as Bucket,
      walPageSize: 1,
    });
    bucket.put(
      'p/wal_005/000000010000000000000001.lz4',
      'x',
      NOW.toISOString(),
    );
    bucket.put(
      'p/wal_005/000000010000000000000002.lz4',
      'x',
      NOW.toISOString(),
    );
    bucket.put('p/wal_005/00000002.history.lz4', 'x', NOW.toISOString());
    const wal = await walg.findNewestWal('p', { now: NOW });
    expect(wal).toMatchObject({ highestTimeline: 2 });
    expect(wal.newestFile).toBeUndefined();
  });

  it('returns nothing for an empty WAL folder', async () => {
    const walg = new WalgBackups({
      bucket: new InMemoryBucket() as unknown as Bucket,
    });
    await expect(walg.findNewestWal('p')).resolves.toEqual({ listRequests: 1 });
    await expect(walg.listBackups('p')).resolves.toEqual([]);
  });

  it('keeps uint64 numbers exact and refuses gs:// URLs as prefixes', () => {
    expect(
      parseWalgJson('{"SystemIdentifier":7301234567890123456,"LSN":50331688}'),
    ).toEqual({
      SystemIdentifier: '7301234567890123456',
      LSN: '50331688',
    });
    expect(normalizePrefix('/a/b/')).toBe('a/b/');
    expect(normalizePrefix('')).toBe('');
    expect(() => normalizePrefix('gs://bucket/a')).toThrow(/not a gs:\/\/ URL/);
  });
});
