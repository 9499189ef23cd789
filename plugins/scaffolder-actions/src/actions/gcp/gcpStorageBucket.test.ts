import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { useNodeHttpTransportForStorage } from '@coder-platform/testing';
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

  describe('against a stub JSON API answering with fixed statuses', () => {
    let server: http.Server;
    let answers: Array<[number, object]> = [];
    let requests: string[] = [];
    let stubbed: ReturnType<typeof createGcpStorageBucketAction>;
    let transport: { restore(): void };

    beforeAll(async () => {
      transport = useNodeHttpTransportForStorage();
      server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url?.split('?')[0]}`);
        const [status, body] = answers.shift() ?? [
          500,
          { error: { code: 500, message: 'no answer left' } },
        ];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      const port = (server.address() as AddressInfo).port;
      stubbed = createGcpStorageBucketAction({
        config: new ConfigReader({
          coderPlatform: {
            gcp: {
              projectId: 'acme-coder',
              retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 },
              endpoints: {
                storage: { apiEndpoint: '127.0.0.1', port, plaintext: true },
              },
            },
          },
        }),
      });
    });
    afterAll(async () => {
      transport.restore();
      await new Promise(resolve => server.close(resolve));
    });
    beforeEach(() => {
      requests = [];
    });

    it('retries 503 and plans a create in a dry run without writing', async () => {
      answers = [
        [503, { error: { code: 503, message: 'Backend Error' } }],
        [
          404,
          {
            error: {
              code: 404,
              message: 'The specified bucket does not exist.',
            },
          },
        ],
      ];
      const { ctx, logs } = mockContext(
        { name: 'new-bucket' },
        { dryRun: true },
      );
      await stubbed.handler(ctx);
      expect(requests).toEqual([
        'GET /storage/v1/b/new-bucket',
        'GET /storage/v1/b/new-bucket',
      ]);
      expect(logs()).toMatch(/\[dry run\] bucket gs:\/\/new-bucket: create/);
    });

    it('explains a bucket name owned by another project', async () => {
      answers = [
        [
          403,
          {
            error: {
              code: 403,
              message:
                'sa@acme-coder.iam.gserviceaccount.com does not have storage.buckets.get access to the Google Cloud Storage bucket.',
            },
          },
        ],
      ];
      const { ctx } = mockContext({ name: 'taken-bucket' });
      await expect(stubbed.handler(ctx)).rejects.toThrow(
        /name: bucket taken-bucket exists but these credentials cannot read it; it probably belongs to another project.*'storage.buckets.get'/,
      );
      expect(requests).toEqual(['GET /storage/v1/b/taken-bucket']);
    });
  });
});
