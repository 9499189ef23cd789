// The ESM-only official clients are imported statically: Backstage's jest
// transform turns them into CommonJS in tests, and Node 22+ loads them with
// require(esm) in `backstage-cli package start` and in the production bundle.
import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createKubeConfig } from '@coder-platform/plugin-coder-platform-node';

describe('official upstream clients in the backend plugin', () => {
  it('constructs the Kubernetes client for a configured cluster', () => {
    const kubeConfig = createKubeConfig({
      url: 'https://10.1.2.3',
      token: 't',
      caData: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64'),
    });
    expect(kubeConfig).toBeInstanceOf(KubeConfig);
    const api = kubeConfig.makeApiClient(CoreV1Api);
    expect(api).toBeInstanceOf(CoreV1Api);
    expect(kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'https://10.1.2.3',
      skipTLSVerify: false,
    });
  });

  it('constructs the Keycloak admin client for a realm', () => {
    const client = new KeycloakAdminClient({
      baseUrl: 'https://auth.example.com',
      realmName: 'example-com',
    });
    expect(client.realmName).toBe('example-com');
    expect(client.baseUrl).toBe('https://auth.example.com');
    expect(typeof client.users.find).toBe('function');
  });
});
