import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import yaml from 'yaml';
import { createKubernetesApplyAction } from './kubernetesApply';
import { examples } from './kubernetesApply.examples';
import { mockContext } from './__testUtils__/context';
import { startRecordingServer } from './__testUtils__/recordingServer';

describe('kubernetes:apply examples', () => {
  const mockDir = createMockDirectory();

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" as a dry run',
    async (_description, example) => {
      const server = await startRecordingServer();
      try {
        const action = createKubernetesApplyAction({
          config: new ConfigReader({
            coderPlatform: {
              clusterActions: {
                clusters: [
                  {
                    name: 'dev',
                    url: server.url,
                    token: 't',
                    skipTLSVerify: true,
                  },
                ],
              },
            },
          }),
          googleAccessToken: async () => 'google-token',
        });
        mockDir.setContent({
          'manifests/certificate.yaml':
            'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: cluster-cert}\n',
        });
        const input = yaml.parse(example).steps[0].input;
        if (input.cluster.endpoint) {
          // GKE endpoints need TLS; the dry run still plans without the server.
          input.cluster = { endpoint: server.url, caCertificate: 'Y2E=' };
        }
        const ctx = mockContext(input, {
          isDryRun: true,
          workspacePath: mockDir.path,
        });
        await action.handler(ctx);
        expect(server.writes()).toEqual([]);
        expect(ctx.output).toHaveBeenCalledWith('changed', 0);
      } finally {
        await server.stop();
      }
    },
  );
});
