import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigReader } from '@backstage/config';
import { useNodeHttpTransportForStorage } from '@coder-platform/testing';
import { createGcpStoragePrefixDeleteAction } from './gcpStoragePrefixDelete';
import { fakeAuth, mockContext } from './__testUtils__/harness';

// Unit tier: input handling, checked before any request (a recording server
// proves none is sent). Listing and deletion run against the real GCS
// emulator in gcpStoragePrefixDelete.integration.test.ts.
describe('gcp:storage:prefix-delete (unit)', () => {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  let transport: { restore(): void };
  let action: ReturnType<typeof createGcpStoragePrefixDeleteAction>;

  beforeAll(async () => {
    transport = useNodeHttpTransportForStorage();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    action = createGcpStoragePrefixDeleteAction({
      config: new ConfigReader({
        coderPlatform: {
          gcp: {
            projectId: 'acme-coder',
            endpoints: {
              storage: { apiEndpoint: '127.0.0.1', port, plaintext: true },
            },
            retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 },
          },
        },
      }),
      authClient: fakeAuth() as any,
    });
  });
  afterAll(async () => {
    transport.restore();
    await new Promise(resolve => server.close(resolve));
  });

  it.each([
    ['', /prefix: must be a folder-like prefix/],
    ['/', /prefix: must be a folder-like prefix/],
    ['/spilo/dev', /prefix: must be a folder-like prefix/],
    ['spilo//dev', /prefix: must be a folder-like prefix/],
    ['spilo/../dev', /prefix: must be a folder-like prefix/],
    ['.', /prefix: must be a folder-like prefix/],
    ['spilo/*', /prefix: must be a folder-like prefix/],
    ['spilo/dev\n', /prefix: must be a folder-like prefix/],
  ])(
    'refuses prefix %j naming the field, before any request',
    async (prefix, message) => {
      const { ctx } = mockContext({ bucket: 'coder-backups', prefix });
      await expect(action.handler(ctx)).rejects.toThrow(message);
      expect(requests).toEqual([]);
    },
  );

  it.each([
    [{ bucket: 'Bad Bucket', prefix: 'spilo/dev' }, /bucket: must be 3-63/],
    [
      { bucket: 'coder-backups', prefix: 'spilo/dev', pageSize: 5000 },
      /pageSize/,
    ],
    [
      { bucket: 'coder-backups', prefix: 'spilo/dev', concurrency: 0 },
      /concurrency/,
    ],
    [{ bucket: 'coder-backups' }, /prefix: Required/],
  ])('rejects bad input %j naming the field', async (input, message) => {
    const { ctx } = mockContext(input);
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(requests).toEqual([]);
  });

  it('turns an upstream failure into a message naming the step, after bounded retries', async () => {
    const { ctx } = mockContext({
      bucket: 'coder-backups',
      prefix: 'spilo/dev',
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /Could not get bucket coder-backups in project acme-coder/,
    );
    expect(requests).toHaveLength(3);
    expect(requests.every(r => r === 'GET /storage/v1/b/coder-backups')).toBe(
      true,
    );
  });
});
