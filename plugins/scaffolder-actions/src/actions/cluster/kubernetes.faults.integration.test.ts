import { ConfigReader } from '@backstage/config';
import {
  ProxiedUpstreams,
  proxyClusterUpstreams,
  ProxyFault,
  requirePeer,
  RecordingPrefixProxy,
} from '@coder-platform/testing';
import { createHelmReleaseAction } from './helmRelease';
import { createKubernetesApplyAction } from './kubernetesApply';
import { startChartRepo } from './__testUtils__/chartRepo';
import { loggedText, mockContext } from './__testUtils__/context';
import { createdInPeer } from './__testUtils__/namespaces';
import { kubePeer } from './__testUtils__/peers';

/**
 * kubernetes:apply and helm:release (the real helm binary) with a fault
 * proxy between them and the real API server: writes answered 503, cut
 * mid-response or dropped on every attempt, or hanging. The step fails with
 * an error naming the API server and the object, nothing leaks the token, a
 * hanging write gives way to the task's cancel, and a re-run once the API
 * server is back completes with each object (and the release) once.
 */
jest.setTimeout(180_000);

const FAULTS: ProxyFault[] = [
  { kind: 'status', status: 503, body: 'etcd leader changed' },
  { kind: 'cut' },
  { kind: 'refuse' },
];

describe('cluster actions with the API server failing', () => {
  const { PEERS_HELM_BIN } = requirePeer('helm', ['PEERS_HELM_BIN']);
  const peer = kubePeer();
  const api = peer.api();
  // The demo chart makes only namespaced objects: deleting the namespaces
  // deletes the releases.
  const inPeer = createdInPeer(api);
  let proxied: ProxiedUpstreams;
  let proxy: RecordingPrefixProxy;
  let config: ConfigReader;
  let repo: Awaited<ReturnType<typeof startChartRepo>>;

  beforeAll(async () => {
    proxied = await proxyClusterUpstreams(
      { name: 'faulty', kubernetes: peer.kubernetes() },
      'actions',
    );
    proxy = proxied.proxies.kubernetes;
    config = new ConfigReader({
      coderPlatform: {
        clusters: [proxied.clusterConfig],
        clusterActions: { helm: { binary: PEERS_HELM_BIN } },
      },
    });
    repo = await startChartRepo(PEERS_HELM_BIN, 'demo', [
      { version: '0.1.0', appVersion: '1.0.0' },
    ]);
  });
  afterEach(() => proxy.clearFaults());
  afterAll(async () => {
    await repo?.stop();
    await proxied?.stop();
    await inPeer.remove();
  });

  async function attempt(
    action: { handler: (ctx: any) => Promise<void> },
    input: Record<string, unknown>,
    signal?: AbortSignal,
  ) {
    const ctx = mockContext(input, { signal });
    const error = await action.handler(ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    return { ctx, error, outputs: Object.fromEntries(ctx.output.mock.calls) };
  }

  /** Requests recorded from `from` on that match. */
  const since = (from: number, method: string, path: RegExp) =>
    proxy.requests
      .slice(from)
      .filter(r => r.method === method && path.test(r.path)).length;

  const configMaps = async (namespace: string) =>
    (await api.list('v1', 'ConfigMap', namespace)).items
      .map((i: any) => i.metadata.name)
      .filter((n: string) => n !== 'kube-root-ca.crt')
      .sort();

  describe('kubernetes:apply', () => {
    const action = () => createKubernetesApplyAction({ config });
    const manifest = (ns: string) =>
      [
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first, namespace: ${ns}}\ndata: {a: "1"}`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: second, namespace: ${ns}}\ndata: {b: "2"}`,
      ].join('\n---\n');

    it.each(FAULTS.map(f => [f.kind, f] as const))(
      '%s on the second object: a step error naming it; the re-run applies each object once',
      async (_kind, fault) => {
        const ns = inPeer.namespace('flt-apply');
        proxy.fault(
          new RegExp(`^/api/v1/namespaces/${ns}/configmaps/second\\b`),
          fault,
          'PATCH',
        );
        const failed = await attempt(action(), {
          cluster: 'faulty',
          manifest: manifest(ns),
        });
        expect(failed.error?.message).toMatch(new RegExp(`${ns}/second`));
        expect(failed.error!.message).not.toContain(peer.env.PEERS_KUBE_TOKEN);
        expect(loggedText(failed.ctx)).not.toContain(peer.env.PEERS_KUBE_TOKEN);
        expect(proxy.faulted(fault.kind).length).toBeGreaterThan(0);
        expect(await configMaps(ns)).toEqual(
          fault.kind === 'cut' ? ['first', 'second'] : ['first'],
        );

        proxy.clearFaults();
        const from = proxy.requests.length;
        const again = await attempt(action(), {
          cluster: 'faulty',
          manifest: manifest(ns),
        });
        expect(again.error).toBeUndefined();
        expect(await configMaps(ns)).toEqual(['first', 'second']);
        // One apply per object, nothing created twice.
        expect(since(from, 'PATCH', /\/configmaps\/second\b/)).toBe(1);
        expect(since(from, 'POST', /\/configmaps\b/)).toBe(0);
        expect(
          again.outputs.applied.map((a: any) => `${a.name}:${a.result}`),
        ).toEqual(
          fault.kind === 'cut'
            ? ['first:unchanged', 'second:unchanged']
            : ['first:unchanged', 'second:created'],
        );
      },
    );

    it('a hanging write gives way to the task being cancelled', async () => {
      const ns = inPeer.namespace('flt-hang');
      proxy.fault(
        new RegExp(`^/api/v1/namespaces/${ns}/configmaps/`),
        'hang',
        'PATCH',
      );
      const controller = new AbortController();
      proxy
        .next(r => r.fault === 'hang')
        .then(() => {
          controller.abort(new Error('task cancelled'));
          // Then the API server comes back (dropping the hung connection):
          // a cancelled step must not carry on and apply.
          setImmediate(() => proxy.clearFaults());
        });
      const failed = await attempt(
        action(),
        { cluster: 'faulty', manifest: manifest(ns) },
        controller.signal,
      );
      expect(failed.error?.message).toMatch(/cancel|abort/i);
      expect(proxy.faulted('hang').length).toBeGreaterThan(0);
      expect(await configMaps(ns)).toEqual([]);
    });
  });

  /**
   * What the platform engineer reads in the task log: which cluster's API
   * server failed and what to do, not a bare transport error.
   */
  it.each(FAULTS.map(f => [f.kind, f] as const))(
    'the step error after %s names the cluster and the API server, and says what to do',
    async (_kind, fault) => {
      const ns = inPeer.namespace('flt-msg');
      proxy.fault(new RegExp(`^/api/v1/namespaces/${ns}/`), fault);
      const apply = await attempt(createKubernetesApplyAction({ config }), {
        cluster: 'faulty',
        manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: only, namespace: ${ns}}\ndata: {a: "1"}`,
      });
      const helm = await attempt(createHelmReleaseAction({ config }), {
        cluster: 'faulty',
        name: 'demo',
        namespace: ns,
        repoUrl: repo.url,
        chart: 'demo',
        version: '0.1.0',
        timeoutSeconds: 60,
      });
      // Names the cluster, the API server, and what to do.
      const actionable =
        /^(?=.*\bfaulty\b)(?=.*API server)(?=.*(run (it |the task )?again|retry))/is;
      expect([apply.error?.message, helm.error?.message]).toEqual([
        expect.stringMatching(actionable),
        expect.stringMatching(actionable),
      ]);
    },
  );

  describe('helm:release (real helm)', () => {
    const action = () => createHelmReleaseAction({ config });
    const input = (namespace: string) => ({
      cluster: 'faulty',
      name: 'demo',
      namespace,
      repoUrl: repo.url,
      chart: 'demo',
      version: '0.1.0',
      values: { greeting: 'hi' },
      timeoutSeconds: 60,
    });

    it.each(FAULTS.map(f => [f.kind, f] as const))(
      '%s on the chart objects: a step error naming the release; the re-run leaves one deployed release',
      async (_kind, fault) => {
        const ns = inPeer.namespace('flt-helm');
        // The chart's ConfigMaps (helm's release records are Secrets).
        proxy.fault(new RegExp(`^/api/v1/namespaces/${ns}/configmaps`), fault);
        const failed = await attempt(action(), input(ns));
        expect(failed.error?.message).toMatch(new RegExp(`${ns}/demo|demo`));
        expect(failed.error!.message).not.toContain(peer.env.PEERS_KUBE_TOKEN);
        expect(loggedText(failed.ctx)).not.toContain(peer.env.PEERS_KUBE_TOKEN);
        expect(proxy.faulted(fault.kind).length).toBeGreaterThan(0);

        proxy.clearFaults();
        const again = await attempt(action(), input(ns));
        expect(again.error).toBeUndefined();
        expect(again.outputs).toMatchObject({
          status: 'deployed',
          chartVersion: '0.1.0',
        });
        // One release, its objects once.
        const releases = (await api.list('v1', 'Secret', ns)).items.filter(
          (s: any) => s.type === 'helm.sh/release.v1',
        );
        expect(
          new Set(releases.map((s: any) => s.metadata.labels.name)),
        ).toEqual(new Set(['demo']));
        expect(
          releases.filter((s: any) => s.metadata.labels.status === 'deployed'),
        ).toHaveLength(1);
        expect(await configMaps(ns)).toEqual(['demo-settings']);
      },
    );
  });
});
