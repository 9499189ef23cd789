import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createHelmReleaseAction } from './helmRelease';
import { examples } from './helmRelease.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import { fakeHelm } from './__testUtils__/fakeHelm';
import { kubeClusterEntry } from './__testUtils__/fakeKube';
import { startGke } from './__testUtils__/gke';
import { startRecordingServer } from './__testUtils__/recordingServer';

describe('helm:release examples (as written; GKE contract server)', () => {
  jest.setTimeout(30_000);
  const mockDir = createMockDirectory();
  let apiServer: Awaited<ReturnType<typeof startRecordingServer>>;
  let gke: Awaited<ReturnType<typeof startGke>>;
  beforeAll(async () => {
    apiServer = await startRecordingServer();
    gke = await startGke(apiServer.url);
  });
  afterAll(async () => {
    await gke.stop();
    await apiServer.stop();
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s" and makes exactly its helm call',
    async (_description, example) => {
      mockDir.setContent({ 'helm/keycloak-values.yaml': 'replicaCount: 2\n' });
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: new ConfigReader({
          coderPlatform: {
            clusterActions: { helm: { binary: helm.bin } },
            clusters: [kubeClusterEntry('dev', apiServer.url)],
            ...gke.config,
          },
        }),
        authClient: gke.authClient,
      });
      const [input] = renderExampleInputs('helm:release', example, {
        'steps.gke.output.resourceName': gke.resourceName,
        'secrets.keycloakAdminPassword': 'pw-123456',
      });
      const ctx = mockContext(input, { workspacePath: mockDir.path });
      await action.handler(ctx);
      const verbs = helm
        .calls()
        .map(c => c.split(' ')[0])
        .filter(v => v !== 'get' && v !== 'version');
      // Absent: not installed on the fake, so nothing to uninstall, nothing run.
      const absent = input.state === 'absent';
      const [upgrade] = helm.calls().filter(c => c.startsWith('upgrade'));
      expect(verbs).toEqual(absent ? [] : ['upgrade']);
      expect(upgrade ?? '').toContain(
        absent
          ? ''
          : `upgrade --install ${input.name} ${input.chart} ${
              input.repoUrl ? `--repo ${input.repoUrl} ` : ''
            }--version ${input.version} -n ${input.namespace}`,
      );
      expect(ctx.output).toHaveBeenCalledWith('changed', !absent);
    },
  );

  it('the GKE-named example resolved its cluster through the GKE API', () => {
    expect(gke.getClusterCalls()).toBeGreaterThan(0);
  });
});
