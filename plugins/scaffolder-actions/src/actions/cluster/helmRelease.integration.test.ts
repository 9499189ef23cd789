import { requirePeer } from '@coder-platform/testing';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHelmReleaseAction } from './helmRelease';
import { HelmRunner } from './helm';
import { resolveKubeConfig } from './clusterAccess';
import { loggedText, mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { kubePeer } from './__testUtils__/peers';
import { startChartRepo } from './__testUtils__/chartRepo';

jest.setTimeout(180_000);

const helmTempDirs = () =>
  readdirSync(tmpdir()).filter(f => f.startsWith('coder-platform-helm-'));

describe('helm:release with the real helm binary and API server', () => {
  const { PEERS_HELM_BIN } = requirePeer('helm', ['PEERS_HELM_BIN']);
  const peer = kubePeer();
  const options = {
    config: peer.config({ helm: { binary: PEERS_HELM_BIN } }),
  };
  const action = createHelmReleaseAction(options);
  const api = peer.api();
  let repo: Awaited<ReturnType<typeof startChartRepo>>;

  beforeAll(async () => {
    repo = await startChartRepo(PEERS_HELM_BIN, 'demo', [
      { version: '0.1.0', appVersion: '1.0.0' },
      { version: '0.2.0', appVersion: '2.0.0' },
    ]);
  });
  // The demo chart makes only namespaced objects: deleting the namespaces
  // deletes the releases.
  const inPeer = createdInPeer(api);
  afterAll(async () => {
    await repo?.stop();
    await inPeer.remove();
  });

  const run = async (input: Record<string, unknown>, isDryRun = false) => {
    const ctx = mockContext(input, { isDryRun });
    await action.handler(ctx);
    return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
  };

  it('installs, skips an unchanged re-run, upgrades, rolls back a failure atomically and uninstalls', async () => {
    const namespace = inPeer.namespace('helm');
    const base = {
      cluster: 'local',
      name: 'demo',
      namespace,
      repoUrl: repo.url,
      chart: 'demo',
      values: { greeting: 'hi' },
      secretValues: { password: 'sup3r-secret-pw' },
      timeoutSeconds: 60,
    };
    const tempBefore = helmTempDirs().length;

    const installed = await run({ ...base, version: '0.1.0' });
    expect(installed.out).toEqual({
      revision: 1,
      status: 'deployed',
      chart: 'demo',
      chartVersion: '0.1.0',
      appVersion: '1.0.0',
      changed: true,
    });
    expect(loggedText(installed.ctx)).not.toContain('sup3r-secret-pw');
    expect(helmTempDirs().length).toBe(tempBefore);
    const secret = await api.readOptional<any>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'demo-secret', namespace },
    });
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(
      'sup3r-secret-pw',
    );

    const dry = await run({ ...base, version: '0.2.0' }, true);
    expect(dry.ctx.logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `dry run: would upgrade release ${namespace}/demo to demo 0.2.0`,
      ),
    );
    expect(dry.out.revision).toBe(1);

    const rerun = await run({ ...base, version: '0.1.0' });
    expect(rerun.out).toMatchObject({ revision: 1, changed: false });

    const upgraded = await run({ ...base, version: '0.2.0' });
    expect(upgraded.out).toMatchObject({
      revision: 2,
      chartVersion: '0.2.0',
      appVersion: '2.0.0',
      changed: true,
    });
    const cm = await api.readOptional<any>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'demo-settings', namespace },
    });
    expect(cm.data).toEqual({ greeting: 'hi', chartVersion: '0.2.0' });

    const failing = run({
      ...base,
      version: '0.2.0',
      values: { greeting: 'hi', fail: true },
      atomic: true,
    });
    await expect(failing).rejects.toThrow(
      /upgrade of release .*\/demo failed: .*rolled back/,
    );
    await expect(failing).rejects.not.toThrow('sup3r-secret-pw');
    const helm = await HelmRunner.create({
      binary: PEERS_HELM_BIN,
      kubeConfig: await resolveKubeConfig('local', options),
    });
    try {
      const meta = await helm.metadata('demo', namespace);
      expect(meta).toMatchObject({ status: 'deployed', version: '0.2.0' });
      expect(meta!.revision).toBeGreaterThan(2);
    } finally {
      await helm.dispose();
    }

    const removed = await run({ ...base, state: 'absent' });
    expect(removed.out).toMatchObject({
      status: 'uninstalled',
      revision: 0,
      changed: true,
    });
    const again = await run({ ...base, state: 'absent' });
    expect(again.out).toMatchObject({ changed: false });
  });

  it('fetches from a configured mirror without upgrading a release installed from the public repository', async () => {
    // The "public" repository serves only 0.1.0; the mirror also 0.2.0, so
    // the upgrade can only succeed when the real helm fetched from the mirror.
    const publicRepo = await startChartRepo(PEERS_HELM_BIN, 'demo', [
      { version: '0.1.0', appVersion: '1.0.0' },
    ]);
    const mirrorRepo = await startChartRepo(PEERS_HELM_BIN, 'demo', [
      { version: '0.1.0', appVersion: '1.0.0' },
      { version: '0.2.0', appVersion: '2.0.0' },
    ]);
    try {
      const mirrored = createHelmReleaseAction({
        config: peer.config({
          helm: {
            binary: PEERS_HELM_BIN,
            repositoryMirrors: [
              { repository: `${publicRepo.url}/`, mirror: mirrorRepo.url },
            ],
          },
        }),
      });
      const runMirrored = async (input: Record<string, unknown>) => {
        const ctx = mockContext(input);
        await mirrored.handler(ctx);
        return { ctx, out: Object.fromEntries(ctx.output.mock.calls) };
      };
      const namespace = inPeer.namespace('helm-mirror');
      const base = {
        cluster: 'local',
        name: 'demo',
        namespace,
        repoUrl: publicRepo.url,
        chart: 'demo',
        values: { greeting: 'from-public' },
        timeoutSeconds: 60,
      };
      const installed = await run({ ...base, version: '0.1.0' });
      expect(installed.out).toMatchObject({ revision: 1, changed: true });

      // A mirror configured now does not make the same chart and values an upgrade.
      const rerun = await runMirrored({ ...base, version: '0.1.0' });
      expect(rerun.out).toMatchObject({ revision: 1, changed: false });

      const upgraded = await runMirrored({ ...base, version: '0.2.0' });
      expect(upgraded.out).toMatchObject({
        revision: 2,
        chartVersion: '0.2.0',
        changed: true,
      });
      expect(upgraded.ctx.logger.info).toHaveBeenCalledWith(
        `helm:release: upgrade release ${namespace}/demo to demo 0.2.0 (from demo 0.1.0, revision 1, deployed: runs demo 0.1.0) from mirror ${mirrorRepo.url} (for ${publicRepo.url})`,
      );
      // Without the mirror the public repository has no 0.2.0.
      await expect(
        run({ ...base, version: '0.2.0', values: { greeting: 'x' } }),
      ).rejects.toThrow(
        /upgrade of release .*\/demo failed: .*0\.2\.0.*not found/,
      );
      await run({ ...base, state: 'absent' });
    } finally {
      await mirrorRepo.stop();
      await publicRepo.stop();
    }
  });

  it('removes a failed first install when atomic', async () => {
    const namespace = inPeer.namespace('helm-atomic');
    await expect(
      run({
        cluster: 'local',
        name: 'broken',
        namespace,
        repoUrl: repo.url,
        chart: 'demo',
        version: '0.1.0',
        values: { fail: true },
        atomic: true,
        timeoutSeconds: 60,
      }),
    ).rejects.toThrow(
      /install of release .*\/broken failed: .*the failed install was removed/,
    );
  });
});
