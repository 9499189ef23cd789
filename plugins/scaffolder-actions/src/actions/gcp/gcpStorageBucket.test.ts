import { ConfigReader } from '@backstage/config';
import { createGcpStorageBucketAction } from './gcpStorageBucket';
import { mockContext } from './__testUtils__/harness';

// Unit tier: input handling that needs no server. The API behaviour is
// covered against the real GCS emulator in gcpStorageBucket.integration.test.ts.
describe('gcp:storage:bucket (unit)', () => {
  const action = createGcpStorageBucketAction({
    config: new ConfigReader({
      coderPlatform: {
        gcp: {
          projectId: 'acme-coder',
          endpoints: {
            storage: { apiEndpoint: '127.0.0.1', port: 9, plaintext: true },
          },
        },
      },
    }),
  });

  it.each([
    [{ name: 'Bad_Bucket' }, /name: must be 3-63 characters/],
    [
      { name: 'my-google-bucket' },
      /name: must not start with goog or contain google/,
    ],
    [
      { name: 'ok-bucket', location: 'europe west3' },
      /location: must be a location/,
    ],
    [
      { name: 'ok-bucket', storageClass: 'HOT' },
      /storageClass: Invalid enum value/,
    ],
    [
      {
        name: 'ok-bucket',
        lifecycleRules: [{ action: { type: 'Archive' }, condition: {} }],
      },
      /lifecycleRules\.0\.action\.type: Invalid enum value/,
    ],
    [
      { name: 'ok-bucket', projectId: 'UPPER' },
      /projectId: must be a GCP project ID/,
    ],
  ])('rejects bad input %j naming the field', async (input, message) => {
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(message);
  });

  it('asks for a project when app-config has none', async () => {
    const bare = createGcpStorageBucketAction({ config: new ConfigReader({}) });
    const { ctx } = mockContext({ name: 'ok-bucket' });
    await expect(bare.handler(ctx)).rejects.toThrow(
      /projectId: required, because coderPlatform.gcp.projectId is not set/,
    );
  });

  it('does not start when the task is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = mockContext(
      { name: 'ok-bucket' },
      { signal: controller.signal, dryRun: true },
    );
    await expect(action.handler(ctx)).rejects.toThrow(/cancel|abort/i);
  });
});
