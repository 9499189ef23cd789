import { Storage } from '@google-cloud/storage';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { requirePeer } from '../peers/peersEnv';
import { RecordingPrefixProxy } from '../replicas/RecordingPrefixProxy';
import { useNodeHttpTransportForStorage } from '../gcs/storageInJest';
import { proxyClusterUpstreams } from './proxiedUpstreams';

/**
 * The fault proxy in front of real servers (the GCS emulator over HTTP, the
 * API server over HTTPS): each fault does what its documentation says, only
 * to matching requests, and clearing the faults lets traffic through again.
 */
describe('RecordingPrefixProxy faults', () => {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const transport = useNodeHttpTransportForStorage();
  let proxy: RecordingPrefixProxy;
  const bucket = `fault-proxy-${Date.now().toString(36)}`;
  const direct = new Storage({ apiEndpoint: PEERS_GCS_URL, projectId: 'test' });

  beforeAll(async () => {
    // Bucket creation goes through gaxios, whose node-fetch import jest
    // cannot run: the JSON API directly.
    const created = await fetch(`${PEERS_GCS_URL}/storage/v1/b?project=test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: bucket }),
    });
    if (!created.ok) {
      throw new Error(`could not create bucket ${bucket}: ${created.status}`);
    }
    // Large enough that a cut body is visibly short.
    await direct
      .bucket(bucket)
      .file('big.txt')
      .save('x'.repeat(64 * 1024), { resumable: false });
    proxy = await RecordingPrefixProxy.start(PEERS_GCS_URL);
  });
  afterEach(() => proxy.clearFaults());
  afterAll(async () => {
    await proxy?.stop();
    await direct.bucket(bucket).deleteFiles({ force: true });
    await fetch(`${PEERS_GCS_URL}/storage/v1/b/${bucket}`, {
      method: 'DELETE',
    });
    transport.restore();
  });

  const url = (path: string) => `${proxy.urlFor('test')}${path}`;
  const media = `/storage/v1/b/${bucket}/o/big.txt?alt=media`;

  it('passes requests through, recording them without the caller segment', async () => {
    const response = await fetch(url(media));
    expect(response.status).toBe(200);
    expect((await response.text()).length).toBe(64 * 1024);
    expect(proxy.requests.at(-1)).toMatchObject({
      caller: 'test',
      method: 'GET',
      path: media,
    });
  });

  it('answers a status without reaching the upstream, only for matching paths', async () => {
    proxy.fault(/\/o\/big\.txt/, {
      kind: 'status',
      status: 503,
      body: 'down',
    });
    const faulted = await fetch(url(media));
    expect(faulted.status).toBe(503);
    expect(await faulted.text()).toBe('down');
    const other = await fetch(url(`/storage/v1/b/${bucket}`));
    expect(other.status).toBe(200);
    expect(proxy.faulted('status').map(r => r.path)).toEqual([media]);
  });

  it('cuts the connection after the headers and part of the body', async () => {
    proxy.fault(/\/o\/big\.txt/, 'cut');
    const response = await fetch(url(media));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('drops the connection before any answer', async () => {
    proxy.fault(/\/o\/big\.txt/, 'refuse');
    await expect(fetch(url(media))).rejects.toThrow(/fetch failed/);
  });

  it('hangs until the caller gives up, and lets traffic through once cleared', async () => {
    proxy.fault(/\/o\/big\.txt/, 'hang', 'GET');
    const controller = new AbortController();
    proxy.next(r => r.fault === 'hang').then(() => controller.abort());
    await expect(
      fetch(url(media), { signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
    expect(proxy.faulted('hang')).toHaveLength(1);
    proxy.clearFaults();
    expect((await fetch(url(media))).status).toBe(200);
  });

  it('serves HTTPS with a certificate of the API server CA in front of the API server', async () => {
    const kube = requirePeer('kube', [
      'PEERS_KUBE_URL',
      'PEERS_KUBE_TOKEN',
      'PEERS_KUBE_CA_FILE',
    ]);
    const proxied = await proxyClusterUpstreams({
      name: 'x',
      kubernetes: { url: kube.PEERS_KUBE_URL },
    });
    try {
      const base = new URL(proxied.clusterConfig.kubernetes.url);
      expect(base.protocol).toBe('https:');
      proxied.proxies.kubernetes.fault(/^\/api\/v1\/namespaces$/, 503);
      const get = (path: string) =>
        new Promise<number>((resolve, reject) => {
          request(
            `${base}${path}`,
            {
              ca: readFileSync(kube.PEERS_KUBE_CA_FILE),
              headers: { authorization: `Bearer ${kube.PEERS_KUBE_TOKEN}` },
            },
            res => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
            .on('error', reject)
            .end();
        });
      expect(await get('/api/v1/namespaces/default')).toBe(200);
      expect(await get('/api/v1/namespaces')).toBe(503);
    } finally {
      await proxied.stop();
    }
  });
});
