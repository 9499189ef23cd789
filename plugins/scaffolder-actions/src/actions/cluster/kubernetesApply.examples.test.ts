import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createKubernetesApplyAction } from './kubernetesApply';
import { examples } from './kubernetesApply.examples';
import { mockContext } from './__testUtils__/context';
import { renderExampleInputs } from './__testUtils__/examples';
import { kubeClusterEntry } from './__testUtils__/fakeKube';
import { GOOGLE_TOKEN, startGke } from './__testUtils__/gke';
import { startRecordingServer } from './__testUtils__/recordingServer';

describe('kubernetes:apply examples (as written, dry run; GKE contract server)', () => {
  jest.setTimeout(30_000);
  const mockDir = createMockDirectory();
  let configured: Awaited<ReturnType<typeof startRecordingServer>>;
  let gkeServer: Awaited<ReturnType<typeof startRecordingServer>>;
  let gke: Awaited<ReturnType<typeof startGke>>;
  beforeAll(async () => {
    configured = await startRecordingServer();
    gkeServer = await startRecordingServer();
    gke = await startGke(gkeServer.url);
  });
  afterAll(async () => {
    await gke.stop();
    await configured.stop();
    await gkeServer.stop();
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs "%s": reads each object from its cluster, writes nothing',
    async (_description, example) => {
      configured.requests.length = 0;
      gkeServer.requests.length = 0;
      const action = createKubernetesApplyAction({
        config: new ConfigReader({
          coderPlatform: {
            clusters: [kubeClusterEntry('dev', configured.url)],
            ...gke.config,
          },
        }),
        authClient: gke.authClient,
      });
      mockDir.setContent({
        'manifests/certificate.yaml':
          'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: cluster-cert}\n',
      });
      const [input] = renderExampleInputs('kubernetes:apply', example, {
        'steps.gke.output.resourceName': gke.resourceName,
      });
      const ctx = mockContext(input, {
        isDryRun: true,
        workspacePath: mockDir.path,
      });
      await action.handler(ctx);
      const byGke = input.cluster === gke.resourceName;
      const target = byGke ? gkeServer : configured;
      const other = byGke ? configured : gkeServer;
      // The dry run reads (discovery, then each object) from the named cluster
      // only. The GKE-named one is resolved through the GKE API; its endpoint
      // is plain http here while GKE hands out a CA, so the client cannot
      // reach it and the dry run plans without reading.
      expect(
        byGke ? gke.getClusterCalls() : target.requests.length,
      ).toBeGreaterThan(0);
      expect(target.requests.every(r => r.method === 'GET')).toBe(true);
      expect(target.writes()).toEqual([]);
      expect(other.requests).toEqual([]);
      expect(
        target.requests.every(
          r =>
            r.authorization ===
            `Bearer ${byGke ? GOOGLE_TOKEN : 'cluster-token'}`,
        ),
      ).toBe(true);
      expect(ctx.output).toHaveBeenCalledWith('changed', 0);
    },
  );
});
