import { CoreV1Api } from '@kubernetes/client-node';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { createKubeConfig } from './createKubeConfig';

describe('createKubeConfig', () => {
  it('builds a client that calls the API server with the bearer token', async () => {
    const seen: { url?: string; headers?: IncomingHttpHeaders } = {};
    const server = createServer((req, res) => {
      seen.url = req.url;
      seen.headers = req.headers;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'NamespaceList',
          apiVersion: 'v1',
          metadata: {},
          items: [{ metadata: { name: 'coder' } }],
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const kubeConfig = createKubeConfig({
        url: `http://127.0.0.1:${port}/`,
        token: 'test-token',
        // The client refuses plain http unless TLS verification is off.
        skipTLSVerify: true,
      });
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const namespaces = await core.listNamespace();

      expect(namespaces.items.map(n => n.metadata?.name)).toEqual(['coder']);
      expect(seen.url).toBe('/api/v1/namespaces');
      expect(seen.headers?.authorization).toBe('Bearer test-token');
      expect(kubeConfig.getCurrentCluster()?.server).toBe(
        `http://127.0.0.1:${port}`,
      );
    } finally {
      server.close();
    }
  });

  it.each([
    ['not a url', /kubernetes\.url "not a url" is not a valid URL/],
    ['ftp://10.0.0.1', /kubernetes\.url must use https/],
  ])('rejects %j naming the field', (url, message) => {
    expect(() => createKubeConfig({ url })).toThrow(message);
  });
});
