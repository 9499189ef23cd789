import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requirePeer } from './peersEnv';

const run = promisify(execFile);

/** The real helm binary against the real kube-apiserver. */
describe('helm peer', () => {
  const peer = requirePeer('helm', ['PEERS_HELM_BIN', 'PEERS_KUBECONFIG']);
  const suffix = randomBytes(3).toString('hex');
  const namespace = `peers-helm-${suffix}`;
  const chartDir = mkdtempSync(join(tmpdir(), 'peers-chart-'));

  function helm(...args: string[]) {
    return run(peer.PEERS_HELM_BIN, [
      ...args,
      '--kubeconfig',
      peer.PEERS_KUBECONFIG,
    ]);
  }

  beforeAll(() => {
    mkdirSync(join(chartDir, 'templates'));
    writeFileSync(
      join(chartDir, 'Chart.yaml'),
      'apiVersion: v2\nname: peers-check\nversion: 0.1.0\nappVersion: "1.2.3"\n',
    );
    writeFileSync(join(chartDir, 'values.yaml'), 'greeting: hello\n');
    writeFileSync(
      join(chartDir, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    );
  });

  afterAll(async () => {
    await helm('uninstall', 'peers-check', '--namespace', namespace).catch(
      () => {},
    );
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(peer.PEERS_KUBECONFIG);
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => {});
    rmSync(chartDir, { recursive: true, force: true });
  });

  it('installs a local chart and reads the release back', async () => {
    await helm(
      'upgrade',
      '--install',
      'peers-check',
      chartDir,
      '--namespace',
      namespace,
      '--create-namespace',
      '--set',
      'greeting=from-test',
      '--wait',
      '--timeout',
      '60s',
    );

    const { stdout } = await helm(
      'list',
      '--namespace',
      namespace,
      '-o',
      'json',
    );
    const releases = JSON.parse(stdout);
    expect(releases).toEqual([
      expect.objectContaining({
        name: 'peers-check',
        namespace,
        revision: '1',
        status: 'deployed',
        chart: 'peers-check-0.1.0',
        app_version: '1.2.3',
      }),
    ]);

    // What helm stored is visible to the Kubernetes client too.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(peer.PEERS_KUBECONFIG);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const configMap = await core.readNamespacedConfigMap({
      name: 'peers-check',
      namespace,
    });
    expect(configMap.data).toEqual({ greeting: 'from-test' });
    const secrets = await core.listNamespacedSecret({
      namespace,
      labelSelector: 'owner=helm,name=peers-check',
    });
    expect(secrets.items.map(s => s.metadata?.name)).toEqual([
      'sh.helm.release.v1.peers-check.v1',
    ]);
  });
});
