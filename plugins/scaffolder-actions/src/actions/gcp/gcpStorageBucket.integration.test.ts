import { ConfigReader } from '@backstage/config';
import {
  requirePeer,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { createGcpStorageBucketAction } from './gcpStorageBucket';
import { mockContext } from './__testUtils__/harness';

/**
 * Against the real GCS emulator (fake-gcs-server, `yarn peers up gcs`). The
 * emulator models name, storage class and versioning; it ignores location
 * (always US-CENTRAL1), labels, IAM configuration and lifecycle rules, so the
 * re-run test uses inputs within what it models (the unit of drift the real
 * API reports for those fields is covered by the comparison code path).
 */
describe('gcp:storage:bucket against the GCS emulator', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const url = new URL(PEERS_GCS_URL);
  const endpoint = {
    apiEndpoint: url.hostname,
    port: Number(url.port),
    plaintext: url.protocol === 'http:',
  };
  const config = (extra: Record<string, unknown> = {}) =>
    new ConfigReader({
      coderPlatform: {
        gcp: {
          projectId: 'acme-coder',
          endpoints: { storage: endpoint },
          retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 },
          ...extra,
        },
      },
    });
  const action = createGcpStorageBucketAction({ config: config() });
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'acme-coder',
  });
  const name = `coder-backups-${Date.now()}`;
  // What the emulator can represent: no IAM configuration, labels or lifecycle.
  const modelled = {
    name,
    uniformBucketLevelAccess: false,
    publicAccessPrevention: 'inherited',
    lifecycleRules: [],
  };
  let transport: { restore(): void };

  beforeAll(() => {
    transport = useNodeHttpTransportForStorage();
  });
  afterAll(() => transport.restore());

  it('creates the bucket with versioning', async () => {
    const { ctx, outputs } = mockContext({
      ...modelled,
      location: 'us-central1',
    });
    await action.handler(ctx);
    const [metadata] = await storage.bucket(name).getMetadata();
    expect(metadata.versioning?.enabled).toBe(true);
    expect(outputs()).toMatchObject({
      name,
      url: `gs://${name}`,
      changed: true,
    });
  });

  it('re-run is a no-op and says so', async () => {
    const { ctx, outputs, logs } = mockContext({
      ...modelled,
      location: 'us-central1',
    });
    await action.handler(ctx);
    expect(ctx.checkpoint).not.toHaveBeenCalled();
    expect(logs()).toMatch(/nothing to do/);
    expect(outputs().changed).toBe(false);
  });

  it('updates drift (versioning switched off by hand)', async () => {
    await storage.bucket(name).setMetadata({ versioning: { enabled: false } });
    const { ctx, logs } = mockContext({ ...modelled, location: 'us-central1' });
    await action.handler(ctx);
    expect(logs()).toMatch(/update fields versioning/);
    const [metadata] = await storage.bucket(name).getMetadata();
    expect(metadata.versioning?.enabled).toBe(true);
  });

  it('warns, and does not fail, when the location differs', async () => {
    const { ctx, logs } = mockContext({
      ...modelled,
      location: 'europe-west3',
    });
    await action.handler(ctx);
    expect(logs()).toMatch(/location cannot change/);
  });

  it('dry run reads but writes nothing', async () => {
    const other = `${name}-preview`;
    const { ctx, logs } = mockContext(
      { ...modelled, name: other },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(logs()).toMatch(
      new RegExp(`\\[dry run\\] bucket gs://${other}: create`),
    );
    const [exists] = await storage.bucket(other).exists();
    expect(exists).toBe(false);
  });

  it('never deletes a bucket with objects unless deleteContents says so', async () => {
    await storage
      .bucket(name)
      .file(
        'spilo/dev/main-postgres-db/main/wal/14/basebackups_005/base_0001.json',
      )
      .save('{}', { resumable: false });
    const refused = mockContext({ name, state: 'absent' });
    await expect(action.handler(refused.ctx)).rejects.toThrow(
      /deleteContents: bucket gs:\/\/.* is not empty \(e\.g\. spilo\/dev/,
    );
    expect((await storage.bucket(name).exists())[0]).toBe(true);

    const preview = mockContext(
      { name, state: 'absent', deleteContents: true },
      { dryRun: true },
    );
    await action.handler(preview.ctx);
    expect((await storage.bucket(name).exists())[0]).toBe(true);

    const { ctx } = mockContext({
      name,
      state: 'absent',
      deleteContents: true,
    });
    await action.handler(ctx);
    expect((await storage.bucket(name).exists())[0]).toBe(false);
    const again = mockContext({ name, state: 'absent' });
    await action.handler(again.ctx);
    expect(again.logs()).toMatch(/already absent/);
  });

  it('retries a refused connection, then gives a clear error', async () => {
    const down = createGcpStorageBucketAction({
      config: config({ endpoints: { storage: { ...endpoint, port: 9 } } }),
    });
    const { ctx, logs } = mockContext({ name: `${name}-down` });
    await expect(down.handler(ctx)).rejects.toThrow(
      /Could not get bucket gs:\/\/.*-down in project acme-coder: .*ECONNREFUSED/,
    );
    expect(logs()).toMatch(/transient error.*retry 1\/2/);
  });

  it('stops when the task is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = mockContext({ name }, { signal: controller.signal });
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
  });
});
