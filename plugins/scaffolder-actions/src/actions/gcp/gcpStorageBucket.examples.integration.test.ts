import { ConfigReader } from '@backstage/config';
import {
  requirePeer,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';
import { createGcpStorageBucketAction } from './gcpStorageBucket';
import { examples } from './gcpStorageBucket.examples';
import { exampleInputs, mockContext } from './__testUtils__/harness';

describe('gcp:storage:bucket examples against the GCS emulator', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const url = new URL(PEERS_GCS_URL);
  const action = createGcpStorageBucketAction({
    config: new ConfigReader({
      coderPlatform: {
        gcp: {
          endpoints: {
            storage: {
              apiEndpoint: url.hostname,
              port: Number(url.port),
              plaintext: true,
            },
          },
        },
      },
    }),
  });
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'acme-coder',
  });
  let transport: { restore(): void };
  beforeAll(() => {
    transport = useNodeHttpTransportForStorage();
  });
  afterAll(() => transport.restore());

  // Run in the order documented: the teardown deletes what the first made.
  // The emulator ignores location and labels, so a re-run reports drift in
  // those and the no-op re-run is covered in gcpStorageBucket.integration.test.ts.
  const effects: Record<string, (name: string) => Promise<void>> = {
    'Backup and state bucket with versioning, uniform access, no public access, noncurrent versions kept 30 days':
      async name => {
        const [metadata] = await storage.bucket(name).getMetadata();
        expect(metadata.versioning?.enabled).toBe(true);
        expect(metadata.storageClass).toBe('STANDARD');
      },
    'Delete the bucket only if it is empty (teardown keeps backups unless deleteContents: true)':
      async name => {
        const [exists] = await storage.bucket(name).exists();
        expect(exists).toBe(false);
      },
  };

  it.each(examples.map(e => [e.description, e.example]))(
    'runs as written: %s',
    async (description, example) => {
      const inputs = exampleInputs(action.id, example);
      expect(inputs).toHaveLength(1);
      for (const input of inputs) {
        const { ctx } = mockContext(input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('url', `gs://${input.name}`);
        expect(ctx.output).toHaveBeenCalledWith('changed', true);
        await effects[description](String(input.name));
      }
    },
  );
});
