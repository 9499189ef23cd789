import { ConfigReader } from '@backstage/config';
import { requirePeer } from '@coder-platform/testing';
import { readFileSync } from 'node:fs';

/**
 * app-config naming the local peers as cluster `local` of the cluster model:
 * the API server (URL + CA + token) and, when `keycloak` is asked for, the
 * local Keycloak with its bootstrap admin. Throws naming the peer when absent.
 */
export function peerClusterConfig(
  options: { keycloak?: boolean; extra?: Record<string, unknown> } = {},
) {
  const kube = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
  ]);
  const keycloak = options.keycloak
    ? requirePeer('keycloak', [
        'PEERS_KEYCLOAK_URL',
        'PEERS_KEYCLOAK_ADMIN_USER',
        'PEERS_KEYCLOAK_ADMIN_PASSWORD',
      ])
    : undefined;
  return new ConfigReader({
    coderPlatform: {
      clusters: [
        {
          name: 'local',
          title: 'Local peers',
          kubernetes: {
            url: kube.PEERS_KUBE_URL,
            caData: readFileSync(kube.PEERS_KUBE_CA_FILE).toString('base64'),
            auth: { type: 'token', token: kube.PEERS_KUBE_TOKEN },
          },
          ...(keycloak
            ? {
                keycloak: {
                  baseUrl: keycloak.PEERS_KEYCLOAK_URL,
                  admin: {
                    username: keycloak.PEERS_KEYCLOAK_ADMIN_USER,
                    password: keycloak.PEERS_KEYCLOAK_ADMIN_PASSWORD,
                  },
                },
              }
            : {}),
        },
      ],
      ...options.extra,
    },
  });
}
