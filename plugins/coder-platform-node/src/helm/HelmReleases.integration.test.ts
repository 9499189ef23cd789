import {
  helmUninstall,
  helmUpgradeInstall,
  requirePeer,
  writeLocalChart,
} from '@coder-platform/testing';
import { CoreV1Api } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { createKubeConfig } from '../kubernetes/createKubeConfig';
import { HelmReleases } from './HelmReleases';
import { compareWithPins } from './releaseSecrets';

describe('HelmReleases against a real API server with releases installed by real helm', () => {
  const peer = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBECONFIG',
  ]);
  const { PEERS_HELM_BIN } = requirePeer('helm', ['PEERS_HELM_BIN']);
  const suffix = Date.now().toString(36);
  const ns = `helm-read-${suffix}`;
  const helm = { helmBin: PEERS_HELM_BIN, kubeconfig: peer.PEERS_KUBECONFIG };

  beforeAll(async () => {
    const coderV1 = await writeLocalChart({
      name: 'coder',
      version: '2.25.0',
      appVersion: '2.25.0',
    });
    const coderV2 = await writeLocalChart({
      name: 'coder',
      version: '2.25.1',
      appVersion: '2.25.1',
    });
    const keycloak = await writeLocalChart({
      name: 'keycloak',
      version: '25.0.0',
      appVersion: '26.3.1',
    });
    await helmUpgradeInstall({
      ...helm,
      release: 'coder',
      namespace: ns,
      chartDir: coderV1,
    });
    await helmUpgradeInstall({
      ...helm,
      release: 'coder',
      namespace: ns,
      chartDir: coderV2,
    });
    await helmUpgradeInstall({
      ...helm,
      release: 'main',
      namespace: ns,
      chartDir: keycloak,
    });
  }, 180_000);

  afterAll(async () => {
    await helmUninstall({ ...helm, release: 'coder', namespace: ns });
    await helmUninstall({ ...helm, release: 'main', namespace: ns });
    // helm leaves the namespace it created: the API server is shared.
    await kubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name: ns });
  }, 120_000);

  function kubeConfig() {
    return createKubeConfig({
      url: peer.PEERS_KUBE_URL,
      token: peer.PEERS_KUBE_TOKEN,
      caData: readFileSync(peer.PEERS_KUBE_CA_FILE).toString('base64'),
    });
  }

  function reader(
    options: { pageSize?: number; onRequest?: (op: string) => void } = {},
  ) {
    return new HelmReleases(kubeConfig(), { namespace: ns, ...options });
  }

  it('decodes the newest revision of each release', async () => {
    const releases = await reader().list();
    expect(releases).toEqual([
      expect.objectContaining({
        name: 'coder',
        namespace: ns,
        revision: 2,
        status: 'deployed',
        chart: 'coder',
        chartVersion: '2.25.1',
        appVersion: '2.25.1',
        updated: expect.any(String),
      }),
      expect.objectContaining({
        name: 'main',
        revision: 1,
        chart: 'keycloak',
        chartVersion: '25.0.0',
        appVersion: '26.3.1',
      }),
    ]);
  });

  it('pages through release secrets and reports drift against the pins', async () => {
    const requests: string[] = [];
    const releases = await reader({
      pageSize: 1,
      onRequest: op => requests.push(op),
    }).list();
    expect(requests.length).toBeGreaterThanOrEqual(3);
    const drift = compareWithPins(releases, [
      { release: 'coder', namespace: ns, chart: 'coder', version: '2.25.1' },
      { release: 'main', namespace: ns, chart: 'keycloak', version: '25.1.0' },
      {
        release: 'cert-manager',
        namespace: ns,
        chart: 'cert-manager',
        version: 'v1.17.4',
      },
    ]);
    expect(drift.map(d => [d.release, d.drift])).toEqual([
      ['cert-manager', 'missing'],
      ['coder', 'in-sync'],
      ['main', 'drift'],
    ]);
  });

  it('passes the call signal to the API server request: through a gate, and aborted when it fires', async () => {
    const gated: string[] = [];
    const controller = new AbortController();
    const releases = await reader({ pageSize: 1 }).list({
      signal: controller.signal,
      gate: (operation, request) => {
        gated.push(operation);
        return request(controller.signal);
      },
    });
    expect(releases.map(r => r.name)).toEqual(['coder', 'main']);
    expect(gated.length).toBeGreaterThanOrEqual(3);
    expect(gated.every(op => op === 'secrets.list')).toBe(true);

    // A signal that fires while the request is open ends it with an abort.
    const aborting = new AbortController();
    const attempt = reader().list({
      gate: (_operation, request) => {
        const open = request(aborting.signal);
        aborting.abort(new Error('budget spent'));
        return open;
      },
    });
    await expect(attempt).rejects.toThrow(/abort|budget spent/i);
  });
});
