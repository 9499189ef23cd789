import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import yaml from 'yaml';
import { createHelmReleaseAction } from './helmRelease';
import { examples } from './helmRelease.examples';
import { mockContext } from './__testUtils__/context';
import { fakeHelm } from './__testUtils__/fakeHelm';

describe('helm:release examples', () => {
  const mockDir = createMockDirectory();

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" through the handler',
    async (_description, example) => {
      mockDir.setContent({ 'helm/keycloak-values.yaml': 'replicaCount: 2\n' });
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: new ConfigReader({
          coderPlatform: {
            clusterActions: {
              helm: { binary: helm.bin },
              clusters: [
                { name: 'dev', url: 'https://127.0.0.1:1', token: 't' },
              ],
            },
          },
        }),
        googleAccessToken: async () => 'google-token',
      });
      const input = yaml.parse(example).steps[0].input;
      if (input.cluster.endpoint) {
        input.cluster = { endpoint: '10.0.0.1', caCertificate: 'Y2E=' };
      }
      if (input.secretValues) input.secretValues.auth.adminPassword = 'pw-123';
      const ctx = mockContext(input, { workspacePath: mockDir.path });
      await action.handler(ctx);
      const wanted =
        input.state === 'absent'
          ? []
          : [
              `${input.chart} ${
                input.repoUrl ? `--repo ${input.repoUrl} ` : ''
              }--version ${input.version}`,
            ];
      const upgrades = helm
        .calls()
        .filter(c => c.startsWith('upgrade'))
        .map(c => wanted.find(w => c.includes(w)) ?? c);
      expect(upgrades).toEqual(wanted);
      expect(ctx.output).toHaveBeenCalledWith(
        'changed',
        input.state !== 'absent',
      );
    },
  );
});
