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
    /** The `kubernetes` block of `coderPlatform.clusters[]` for this server (token auth). */
    kubernetes: () => ({
      url: env.PEERS_KUBE_URL,
      caData,
      auth: { type: 'token', token: env.PEERS_KUBE_TOKEN },
    }),
    /**
     * app-config naming the server three times in `coderPlatform.clusters`:
     * `local` and `dev` by URL + CA + token, `local-kubeconfig` by kubeconfig
     * file. `clusters` adds blocks (coder, keycloak) per cluster name.
     */
    config: (
      extra: Record<string, unknown> = {},
      clusters: Record<string, Record<string, unknown>> = {},
    ) =>
      new ConfigReader({
        coderPlatform: {
          clusters: [
            {
              name: 'local',
              kubernetes: {
                url: env.PEERS_KUBE_URL,
                caData,
                auth: { type: 'token', token: env.PEERS_KUBE_TOKEN },
              },
              ...clusters.local,
            },
            {
              name: 'local-kubeconfig',
              kubernetes: {
                auth: {
                  type: 'kubeconfig',
                  kubeconfigPath: env.PEERS_KUBECONFIG,
                },
              },
              ...clusters['local-kubeconfig'],
            },
            {
              name: 'dev',
              kubernetes: {
                url: env.PEERS_KUBE_URL,
                caData,
                auth: { type: 'token', token: env.PEERS_KUBE_TOKEN },
              },
              ...clusters.dev,
            },
          ],
          clusterActions: { ...extra },
        },
      } as any),
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
    /** The `keycloak` block of a `coderPlatform.clusters[]` entry administering this server. */
    keycloak: () => ({
      baseUrl: env.PEERS_KEYCLOAK_URL,
      admin: {
        username: env.PEERS_KEYCLOAK_ADMIN_USER,
        password: env.PEERS_KEYCLOAK_ADMIN_PASSWORD,
      },
    }),
  };
}
