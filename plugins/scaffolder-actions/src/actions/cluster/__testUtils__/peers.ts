import { ConfigReader } from '@backstage/config';
import { requirePeer } from '@coder-platform/testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKubeConfig } from '@coder-platform/plugin-coder-platform-node';
import { ObjectApi } from '../kubernetes';

/** The local API server from `yarn peers up kube`; throws naming it when absent. */
export function kubePeer() {
  const env = requirePeer('kube', [
    'PEERS_KUBE_URL',
    'PEERS_KUBE_TOKEN',
    'PEERS_KUBE_CA_FILE',
    'PEERS_KUBECONFIG',
  ]);
  const caData = Buffer.from(readFileSync(env.PEERS_KUBE_CA_FILE)).toString(
    'base64',
  );
  return {
    env,
    caData,
    /** app-config naming the server twice: by URL + CA + token, and by kubeconfig. */
    config: (extra: Record<string, unknown> = {}) =>
      new ConfigReader({
        coderPlatform: {
          clusterActions: {
            clusters: [
              {
                name: 'local',
                url: env.PEERS_KUBE_URL,
                caData,
                token: env.PEERS_KUBE_TOKEN,
              },
              {
                name: 'local-kubeconfig',
                kubeconfigPath: env.PEERS_KUBECONFIG,
              },
              {
                name: 'dev',
                url: env.PEERS_KUBE_URL,
                caData,
                token: env.PEERS_KUBE_TOKEN,
              },
            ],
            ...extra,
          },
        },
      }),
    api: () =>
      ObjectApi.create(
        createKubeConfig({
          url: env.PEERS_KUBE_URL,
          caData,
          token: env.PEERS_KUBE_TOKEN,
        }),
      ),
  };
}

/** A name no other run uses: the API server is shared and never garbage-collects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** The local Keycloak from `yarn peers up keycloak`; throws naming it when absent. */
export function keycloakPeer() {
  const env = requirePeer('keycloak', [
    'PEERS_KEYCLOAK_URL',
    'PEERS_KEYCLOAK_ADMIN_USER',
    'PEERS_KEYCLOAK_ADMIN_PASSWORD',
  ]);
  return {
    env,
    input: {
      baseUrl: env.PEERS_KEYCLOAK_URL,
      adminUsername: env.PEERS_KEYCLOAK_ADMIN_USER,
    },
    secrets: { keycloakAdminPassword: env.PEERS_KEYCLOAK_ADMIN_PASSWORD },
  };
}
