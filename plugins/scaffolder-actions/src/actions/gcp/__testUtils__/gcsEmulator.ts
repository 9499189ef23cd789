import { ConfigReader } from '@backstage/config';
import { requirePeer } from '@coder-platform/testing';
import { Storage } from '@google-cloud/storage';

/**
 * The real GCS emulator peer (fake-gcs-server, `yarn peers up gcs`): an
 * action config pointing `coderPlatform.gcp.endpoints.storage` at it, and an
 * official client to seed and check objects.
 */
export function gcsEmulator() {
  const { PEERS_GCS_URL } = requirePeer('gcs', ['PEERS_GCS_URL']);
  const url = new URL(PEERS_GCS_URL);
  const endpoint = {
    apiEndpoint: url.hostname,
    port: Number(url.port),
    plaintext: url.protocol === 'http:',
  };
  const config = (extra: Record<string, unknown> = {}) =>
    new ConfigReader({
      coderPlatform: {
        gcp: {
          projectId: 'acme-coder',
          endpoints: { storage: endpoint },
          retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 10 },
          ...extra,
        },
      },
    });
  const storage = new Storage({
    apiEndpoint: PEERS_GCS_URL,
    projectId: 'acme-coder',
  });
  return { url: PEERS_GCS_URL, endpoint, config, storage };
}
