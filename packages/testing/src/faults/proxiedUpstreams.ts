import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requirePeer } from '../peers/peersEnv';
import { RecordingPrefixProxy } from '../replicas/RecordingPrefixProxy';

/** The upstreams of a `coderPlatform.clusters[]` entry that can sit behind a fault proxy. */
export type ProxiedUpstream = 'keycloak' | 'kubernetes' | 'gcs' | 'coder';

export interface ProxiedUpstreams {
  /** One fault proxy per upstream, each in front of the real server. */
  proxies: Record<ProxiedUpstream, RecordingPrefixProxy>;
  /** The cluster entry, with every proxied upstream's URL pointing at its proxy. */
  clusterConfig: Record<string, any>;
  /** Stops every proxy. */
  stop(): Promise<void>;
}

/**
 * Puts a {@link RecordingPrefixProxy} between a backend (or an action) and
 * each upstream a `coderPlatform.clusters[]` entry names: Keycloak
 * (`keycloak.baseUrl`), the Kubernetes API server (`kubernetes.url`: the
 * proxy serves HTTPS with a certificate of the peer's CA and trusts the
 * peer's CA upstream), the GCS emulator
 * (`backups.endpoint`) and Coder (`coder.url`). Only the network path
 * changes: credentials and everything else stay as configured. `caller` is
 * the proxies' first path segment (to tell callers apart in the records).
 */
/**
 * A serving certificate for 127.0.0.1 signed by the local API server's CA,
 * so a Kubernetes client keeps the configured `caData` (the Kubernetes client
 * refuses plain `http:` unless TLS verification is off, which would change
 * more than the network path).
 */
export async function kubeProxyCertificate(): Promise<{
  key: Buffer;
  cert: Buffer;
}> {
  const kube = requirePeer('kube', [
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBE_CA_KEY_FILE',
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'fault-proxy-tls-'));
  const run = (...args: string[]) =>
    promisify(execFile)('openssl', args, { cwd: dir });
  try {
    await writeFile(join(dir, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1\n');
    await run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr',
    );
    await run(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      kube.PEERS_KUBE_CA_FILE,
      '-CAkey',
      kube.PEERS_KUBE_CA_KEY_FILE,
      '-CAcreateserial',
      '-CAserial',
      join(dir, 'ca.srl'),
      '-days',
      '2',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem',
    );
    return {
      key: await readFile(join(dir, 'leaf.key')),
      cert: await readFile(join(dir, 'leaf.pem')),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function proxyClusterUpstreams(
  clusterConfig: Record<string, any>,
  caller = 'backend',
): Promise<ProxiedUpstreams> {
  const config = JSON.parse(JSON.stringify(clusterConfig));
  const started: Partial<Record<ProxiedUpstream, RecordingPrefixProxy>> = {};
  const proxy = async (name: ProxiedUpstream, target: string) => {
    const options: {
      ca?: Buffer;
      tls?: { key: Buffer; cert: Buffer };
    } = {};
    if (target.startsWith('https:') && name === 'kubernetes') {
      options.ca = readFileSync(
        requirePeer('kube', ['PEERS_KUBE_CA_FILE']).PEERS_KUBE_CA_FILE,
      );
      options.tls = await kubeProxyCertificate();
    }
    started[name] = await RecordingPrefixProxy.start(target, options);
    return started[name]!.urlFor(caller);
  };
  if (config.keycloak?.baseUrl) {
    config.keycloak.baseUrl = await proxy('keycloak', config.keycloak.baseUrl);
  }
  if (config.kubernetes?.url) {
    config.kubernetes.url = await proxy('kubernetes', config.kubernetes.url);
  }
  if (config.backups?.endpoint) {
    config.backups.endpoint = await proxy('gcs', config.backups.endpoint);
  }
  if (config.coder?.url) {
    config.coder.url = await proxy('coder', config.coder.url);
  }
  return {
    proxies: started as Record<ProxiedUpstream, RecordingPrefixProxy>,
    clusterConfig: config,
    async stop() {
      await Promise.all(Object.values(started).map(p => p!.stop()));
    },
  };
}
