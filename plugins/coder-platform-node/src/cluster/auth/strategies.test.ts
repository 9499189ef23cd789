import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretRegistry } from '../../redaction/redact';
import { GoogleIdentity } from '../GoogleIdentity';
import { fixedTokenAuth } from '../__testUtils__/httpsRecorder';
import { GoogleAuthStrategy } from './GoogleAuthStrategy';
import { KubeconfigFileAuthStrategy } from './KubeconfigFileAuthStrategy';
import { TokenAuthStrategy } from './TokenAuthStrategy';

const server = { url: 'https://10.0.0.1', caData: 'Y2E=' };

describe('Kubernetes auth strategies', () => {
  it('token: the configured bearer token for the given server', async () => {
    const kc = await new TokenAuthStrategy('sa-token').kubeConfig(server);
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://10.0.0.1',
      caData: 'Y2E=',
    });
    expect(kc.getCurrentUser()?.token).toBe('sa-token');
    await expect(new TokenAuthStrategy('x').kubeConfig()).rejects.toThrow(
      'token auth needs an API server URL',
    );
  });

  it('google: an access token of the backend identity, registered as a secret first', async () => {
    const secrets = new SecretRegistry();
    const identity = new GoogleIdentity({
      authClient: fixedTokenAuth('ya29.strategy-token'),
      secrets,
    });
    const kc = await new GoogleAuthStrategy(identity).kubeConfig(server);
    expect(kc.getCurrentUser()?.token).toBe('ya29.strategy-token');
    expect([...secrets]).toEqual(['ya29.strategy-token']);
  });

  it('google: names the setting to fix when the identity has no token', async () => {
    const identity = new GoogleIdentity({
      authClient: { getAccessToken: async () => ({ token: null }) } as any,
    });
    await expect(
      new GoogleAuthStrategy(identity).kubeConfig(server),
    ).rejects.toThrow(
      "the backend's Google identity returned no access token; run the backend with Workload Identity / Application Default Credentials or set coderPlatform.gcp.keyFilename",
    );
  });

  it('google: a failing identity names the setting; what the library said is redacted', async () => {
    const secrets = new SecretRegistry(['client-secret-value-7']);
    const identity = new GoogleIdentity({
      authClient: {
        getAccessToken: async () => {
          throw new Error(
            'invalid_grant: {"refresh_token":"1//0gRefreshTokenValue1234567890","client_secret":"client-secret-value-7"}',
          );
        },
      } as any,
      secrets,
    });
    const error: Error = await new GoogleAuthStrategy(identity)
      .kubeConfig(server)
      .then(
        () => {
          throw new Error('no error');
        },
        e => e,
      );
    expect(error.message).toMatch(
      /^the backend's Google identity returned no access token: invalid_grant: .*; run the backend with Workload Identity \/ Application Default Credentials or set coderPlatform\.gcp\.keyFilename$/,
    );
    expect(error.message).not.toContain('1//0gRefreshTokenValue1234567890');
    expect(error.message).not.toContain('client-secret-value-7');
  });

  describe('kubeconfig file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-strategy-'));
    const path = join(dir, 'config');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- {name: a, cluster: {server: "https://a.example.com"}}',
        '- {name: b, cluster: {server: "https://b.example.com"}}',
        'users:',
        '- {name: u, user: {token: file-token}}',
        'contexts:',
        '- {name: ctx-a, context: {cluster: a, user: u}}',
        '- {name: ctx-b, context: {cluster: b, user: u}}',
        'current-context: ctx-a',
        '',
      ].join('\n'),
    );

    it('uses the file, and the named context', async () => {
      const current = await new KubeconfigFileAuthStrategy(path).kubeConfig();
      expect(current.getCurrentCluster()?.server).toBe('https://a.example.com');
      const b = await new KubeconfigFileAuthStrategy(
        path,
        'ctx-b',
      ).kubeConfig();
      expect(b.getCurrentCluster()?.server).toBe('https://b.example.com');
      expect(b.getCurrentUser()?.token).toBe('file-token');
    });

    it('names the config key of a missing file or context', async () => {
      await expect(
        new KubeconfigFileAuthStrategy(
          join(dir, 'missing'),
          undefined,
          'coderPlatform.clusters[0].kubernetes.auth',
        ).kubeConfig(),
      ).rejects.toThrow(
        'coderPlatform.clusters[0].kubernetes.auth.kubeconfigPath: cannot read',
      );
      await expect(
        new KubeconfigFileAuthStrategy(path, 'nope', 'k.auth').kubeConfig(),
      ).rejects.toThrow(`k.auth.context: ${path} has no context "nope"`);
    });
  });
});
