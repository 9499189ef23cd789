import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createHelmReleaseAction } from './helmRelease';
import { leafStrings, mergeValues } from './values';
import { redact } from '@coder-platform/plugin-coder-platform-node';
import { loggedText, mockContext } from './__testUtils__/context';
import { fakeHelm } from './__testUtils__/fakeHelm';

const config = (
  binary: string,
  repositoryMirrors?: Array<Record<string, string>>,
) =>
  new ConfigReader({
    coderPlatform: {
      clusterActions: {
        helm: { binary, ...(repositoryMirrors ? { repositoryMirrors } : {}) },
      },
      clusters: [
        {
          name: 'dev',
          kubernetes: {
            url: 'https://127.0.0.1:1',
            auth: { type: 'token', token: 'cluster-token' },
          },
        },
      ],
    },
  });

const base = {
  cluster: 'dev',
  name: 'demo',
  namespace: 'demo',
  repoUrl: 'https://charts.example.com',
  chart: 'demo',
  version: '1.2.3',
};

describe('helm:release', () => {
  const mockDir = createMockDirectory();

  it.each<[Record<string, unknown>, string]>([
    [{ ...base, chart: undefined }, 'helm:release: chart is required'],
    [
      { ...base, version: undefined },
      'version is required (pin the chart version)',
    ],
    [
      { ...base, repoUrl: undefined },
      'repoUrl is required unless chart is an oci:// reference',
    ],
    [
      { ...base, chart: 'oci://registry.example.com/charts/demo' },
      'give repoUrl only for repository charts',
    ],
    [{ ...base, valuesFiles: ['missing.yaml'] }, 'valuesFiles missing.yaml'],
    [
      { ...base, valuesFiles: ['list.yaml'] },
      'valuesFiles list.yaml must hold a YAML map',
    ],
    [
      { ...base, cluster: 'other' },
      'cluster: "other" is neither a cluster of coderPlatform.clusters (dev)',
    ],
    ...[
      '^1.2.3',
      '1.x',
      '~1.2',
      '>=1.0.0',
      '1.2',
      'latest',
      '1.2.3 || 2.0.0',
    ].map((version): [Record<string, unknown>, string] => [
      { ...base, version },
      `helm:release: version "${version}" is not an exact semver version`,
    ]),
  ])('rejects %j naming the field', async (input, message) => {
    mockDir.setContent({ 'list.yaml': '- a\n- b\n' });
    const helm = fakeHelm();
    const action = createHelmReleaseAction({ config: config(helm.bin) });
    await expect(
      action.handler(mockContext(input, { workspacePath: mockDir.path })),
    ).rejects.toThrow(message);
    expect(helm.calls().filter(c => c.startsWith('upgrade'))).toEqual([]);
  });

  it('names the missing helm binary and the setting to fix', async () => {
    const action = createHelmReleaseAction({
      config: config('/nonexistent/helm'),
    });
    await expect(action.handler(mockContext(base))).rejects.toThrow(
      'helm binary "/nonexistent/helm" not found: set coderPlatform.clusterActions.helm.binary',
    );
  });

  it('dry run only reads and logs the plan', async () => {
    const helm = fakeHelm();
    const action = createHelmReleaseAction({ config: config(helm.bin) });
    const ctx = mockContext(base, { isDryRun: true });
    await action.handler(ctx);
    expect(helm.calls().map(c => c.split(' ')[0])).toEqual(['get']);
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'dry run: would install release demo/demo to demo 1.2.3',
    );
    expect(ctx.checkpoint).not.toHaveBeenCalled();
  });

  it('installs with pinned version, a private values file and helm 4 flags', async () => {
    const helm = fakeHelm();
    const action = createHelmReleaseAction({ config: config(helm.bin) });
    const ctx = mockContext({
      ...base,
      values: { a: 1 },
      atomic: true,
      timeoutSeconds: 90,
    });
    await action.handler(ctx);
    const upgrade = helm.calls().find(c => c.startsWith('upgrade'))!;
    expect(upgrade).toMatch(
      /^upgrade --install demo demo --repo https:\/\/charts\.example\.com --version 1\.2\.3 -n demo -f \S+\/values\.json --reset-values --timeout 90s --create-namespace --wait=watcher --rollback-on-failure --kubeconfig \S+\/kubeconfig$/,
    );
    expect(ctx.checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: expect.stringMatching(
          /^helm:release:dev:demo\/demo:demo@1\.2\.3:/,
        ),
      }),
    );
  });

  it('masks secret values in errors and logs', async () => {
    const helm = fakeHelm({
      upgradeStderr: 'Error: bad value hunter2-password in template',
    });
    const action = createHelmReleaseAction({ config: config(helm.bin) });
    const ctx = mockContext({
      ...base,
      secretValues: { auth: { password: 'hunter2-password' } },
    });
    const error = await action.handler(ctx).catch(e => e);
    expect(error.message).toContain(
      'install of release demo/demo failed: helm upgrade failed: bad value *** in template',
    );
    expect(error.message).not.toContain('hunter2-password');
    expect(loggedText(ctx)).not.toContain('hunter2-password');
  });

  it('honours a cancelled task', async () => {
    const helm = fakeHelm();
    const action = createHelmReleaseAction({ config: config(helm.bin) });
    const controller = new AbortController();
    controller.abort();
    await expect(
      action.handler(mockContext(base, { signal: controller.signal })),
    ).rejects.toThrow();
    expect(helm.calls().filter(c => c.startsWith('upgrade'))).toEqual([]);
  });

  describe('repository mirrors', () => {
    const mirrors = [
      {
        repository: 'https://charts.example.com/',
        mirror: 'https://artifactory.internal/helm/example',
      },
      {
        repository: 'oci://registry.example.com/charts',
        mirror: 'oci://harbor.internal/proxy/charts',
      },
    ];

    it('fetches a repository chart from its mirror and says so in the log', async () => {
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: config(helm.bin, mirrors),
      });
      const ctx = mockContext(base);
      await action.handler(ctx);
      const upgrade = helm.calls().find(c => c.startsWith('upgrade'))!;
      expect(upgrade).toMatch(
        /^upgrade --install demo demo --repo https:\/\/artifactory\.internal\/helm\/example --version 1\.2\.3 /,
      );
      expect(ctx.logger.info).toHaveBeenCalledWith(
        'helm:release: install release demo/demo to demo 1.2.3 from mirror https://artifactory.internal/helm/example (for https://charts.example.com)',
      );
    });

    it('ignores a trailing slash of repoUrl', async () => {
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: config(helm.bin, mirrors),
      });
      await action.handler(
        mockContext({ ...base, repoUrl: 'https://charts.example.com//' }),
      );
      expect(helm.calls().find(c => c.startsWith('upgrade'))).toContain(
        '--repo https://artifactory.internal/helm/example ',
      );
    });

    it('leaves other repositories alone', async () => {
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: config(helm.bin, mirrors),
      });
      const ctx = mockContext({
        ...base,
        repoUrl: 'https://charts.example.com/sub',
      });
      await action.handler(ctx);
      expect(helm.calls().find(c => c.startsWith('upgrade'))).toContain(
        '--repo https://charts.example.com/sub ',
      );
      expect(loggedText(ctx)).not.toContain('mirror');
    });

    it.each([
      [
        'oci://registry.example.com/charts/demo',
        'oci://harbor.internal/proxy/charts/demo',
      ],
      [
        'oci://registry.example.com/charts/team/demo',
        'oci://harbor.internal/proxy/charts/team/demo',
      ],
      // Not at a path-segment boundary: not this mirror's prefix.
      [
        'oci://registry.example.com/charts-extra/demo',
        'oci://registry.example.com/charts-extra/demo',
      ],
    ])('maps the OCI chart %s to %s', async (chart, expected) => {
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: config(helm.bin, mirrors),
      });
      await action.handler(mockContext({ ...base, repoUrl: undefined, chart }));
      const upgrade = helm.calls().find(c => c.startsWith('upgrade'))!;
      expect(upgrade).toMatch(
        new RegExp(`^upgrade --install demo ${expected} --version 1\\.2\\.3 `),
      );
    });

    it('dry run shows the URL it would fetch from', async () => {
      const helm = fakeHelm();
      const action = createHelmReleaseAction({
        config: config(helm.bin, mirrors),
      });
      const ctx = mockContext(base, { isDryRun: true });
      await action.handler(ctx);
      expect(ctx.logger.info).toHaveBeenCalledWith(
        'dry run: would install release demo/demo to demo 1.2.3 from mirror https://artifactory.internal/helm/example (for https://charts.example.com)',
      );
      expect(helm.calls().filter(c => c.startsWith('upgrade'))).toEqual([]);
    });

    it('names the mirror in a failure', async () => {
      const helm = fakeHelm({
        upgradeStderr: 'Error: chart "demo" version "1.2.3" not found',
      });
      const action = createHelmReleaseAction({
        config: config(helm.bin, mirrors),
      });
      await expect(action.handler(mockContext(base))).rejects.toThrow(
        'helm:release: install of release demo/demo from mirror https://artifactory.internal/helm/example (for https://charts.example.com) failed: helm upgrade failed: chart "demo" version "1.2.3" not found',
      );
    });

    const KEY = 'coderPlatform.clusterActions.helm.repositoryMirrors';
    it.each<[Array<Record<string, string>>, string]>([
      [
        [
          ...mirrors,
          { repository: 'https://charts.jetstack.io', mirror: 'mirror/jet' },
        ],
        `${KEY}[2].mirror must be an absolute URL, got "mirror/jet"`,
      ],
      [
        [{ repository: 'charts.jetstack.io', mirror: 'https://m.internal' }],
        `${KEY}[0].repository must be an absolute URL`,
      ],
      [
        [{ repository: 'ftp://charts.example.com', mirror: 'https://m' }],
        `${KEY}[0].repository must be an http:// or https:// chart repository URL`,
      ],
      [
        [{ repository: 'https://charts.example.com', mirror: 'oci://m/c' }],
        `${KEY}[0].mirror must be an http:// or https:// chart repository URL`,
      ],
      [
        [{ repository: 'oci://registry.example.com/c', mirror: 'https://m' }],
        `${KEY}[0].mirror must be an oci://registry/path prefix`,
      ],
      [
        [
          {
            repository: 'https://charts.example.com',
            mirror: 'https://user:hunter2@m.internal/helm',
          },
        ],
        `${KEY}[0].mirror must not carry credentials`,
      ],
      [
        [
          { repository: 'https://charts.example.com', mirror: 'https://a' },
          { repository: 'https://charts.example.com/', mirror: 'https://b' },
        ],
        `${KEY}[1].repository "https://charts.example.com/" is already mirrored by ${KEY}[0]`,
      ],
      [[{ repository: 'https://charts.example.com' }], `${KEY}[0].mirror`],
    ])('refuses %j at start-up naming the entry', (entries, message) => {
      const helm = fakeHelm();
      let error: Error | undefined;
      try {
        createHelmReleaseAction({ config: config(helm.bin, entries) });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toContain(message);
      expect(error?.message).not.toContain('hunter2');
    });
  });

  describe('values', () => {
    it('merges maps deeply and replaces everything else, like helm', () => {
      expect(
        mergeValues(
          { a: { b: 1, c: [1, 2] }, d: 'x' },
          { a: { c: [3], e: true } },
          undefined,
        ),
      ).toEqual({ a: { b: 1, c: [3], e: true }, d: 'x' });
    });

    it('collects leaves to mask and masks them', () => {
      const secrets = leafStrings({
        a: { b: 'secret-one' },
        c: ['secret-two', 42],
      });
      expect(secrets).toEqual(['secret-one', 'secret-two', '42']);
      expect(redact('x secret-one y secret-two', secrets)).toBe('x *** y ***');
    });
  });
});
