import { ConfigReader } from '@backstage/config';
import {
  requirePeer,
  useNodeHttpTransportForStorage,
} from '@coder-platform/testing';
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
  let transport: { restore(): void };
  beforeAll(() => {
    transport = useNodeHttpTransportForStorage();
  });
  afterAll(() => transport.restore());

  it.each(examples.map(e => [e.description, e.example]))(
    'runs: %s',
    async (_description, example) => {
      for (const input of exampleInputs(action.id, example)) {
        const { ctx } = mockContext(input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('url', `gs://${input.name}`);
      }
    },
  );
});
