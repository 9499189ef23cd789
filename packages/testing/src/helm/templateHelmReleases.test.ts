import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  repositorySubdirectory,
  STAND_IN_CHART_REPOSITORIES,
  STAND_IN_CHARTS_DIR,
} from './LocalChartRepository';
import {
  renderTemplateValue,
  templateChartVersions,
  templateHelmReleases,
  templateParameterDefaults,
} from './templateHelmReleases';

const TEMPLATE = readFileSync(
  resolve(
    __dirname,
    '../../../../templates/coder-development-cluster/template.yaml',
  ),
  'utf8',
);

const context = {
  parameters: {
    ...templateParameterDefaults(TEMPLATE),
    projectId: 'acme-coder',
    domainName: 'example.test',
    dnsAccount: 'coder-dns',
    storageAccount: 'coder-storage',
    keycloakRealm: 'acme',
    adminEmail: 'admin@example.test',
    smtpEnabled: false,
  },
  steps: {
    gke: { output: { resourceName: 'local' } },
    address: { output: { address: '10.0.0.1' } },
  },
};

describe('the cluster template and its stand-in charts', () => {
  const releases = templateHelmReleases(TEMPLATE, context);

  it('reads the pinned chart versions from the form defaults', () => {
    expect(templateChartVersions(TEMPLATE)).toEqual({
      'cert-manager': 'v1.17.4',
      'ingress-nginx': '4.13.1',
      'postgres-operator': '1.14.0',
      keycloak: '25.1.0',
      'oauth2-proxy': '8.3.0',
      coder: '2.25.1',
      'kube-prometheus-stack': '76.4.0',
    });
  });

  it('has one stand-in chart, named as the real one, per helm:release step and its repository', () => {
    expect(releases.map(r => r.input.chart).sort()).toEqual(
      Object.keys(STAND_IN_CHART_REPOSITORIES).sort(),
    );
    for (const { input } of releases) {
      expect([input.chart, input.repoUrl]).toEqual([
        input.chart,
        STAND_IN_CHART_REPOSITORIES[input.chart],
      ]);
      const chartYaml = join(STAND_IN_CHARTS_DIR, input.chart, 'Chart.yaml');
      expect(existsSync(chartYaml)).toBe(true);
      const chart = parse(readFileSync(chartYaml, 'utf8'));
      expect(chart.name).toBe(input.chart);
      expect(chart.description).toContain(
        `Test stand-in of chart ${input.chart} (repository ${input.repoUrl}) for the local API server (no kubelet)`,
      );
    }
    // One local sub-directory per public repository, none shared.
    const subs = Object.values(STAND_IN_CHART_REPOSITORIES).map(
      repositorySubdirectory,
    );
    expect(new Set(subs).size).toBe(subs.length);
    expect(subs).toContain('charts.jetstack.io');
    expect(subs).toContain('kubernetes.github.io_ingress-nginx');
  });

  it('renders the steps values from parameters and step outputs', () => {
    const byStep = Object.fromEntries(releases.map(r => [r.stepId, r.input]));
    expect(byStep['cert-manager'].version).toBe('v1.17.4');
    expect(byStep['cert-manager'].cluster).toBe('local');
    expect(
      byStep['cert-manager'].values.serviceAccount.annotations[
        'iam.gke.io/gcp-service-account'
      ],
    ).toBe('coder-dns@acme-coder.iam.gserviceaccount.com');
    expect(
      byStep['ingress-nginx'].values.controller.service.loadBalancerIP,
    ).toBe('10.0.0.1');
    expect(byStep.keycloak.values.ingress.hostname).toBe(
      'keycloak.dev.example.test',
    );
    expect(byStep.coder.values.coder.ingress.wildcardHost).toBe(
      '*.coder.dev.example.test',
    );
    // Whole-value conditionals take the value's type.
    const alertmanager = byStep.monitoring.values.alertmanager;
    expect(alertmanager.alertmanagerSpec.secrets).toEqual([]);
    expect(alertmanager.config.receivers[1].email_configs).toEqual([]);
    expect(JSON.stringify(releases)).not.toContain('${{');
  });

  it('evaluates only what it understands, and says what it does not', () => {
    expect(
      renderTemplateValue('${{ parameters.n }}', { parameters: { n: 3 } }),
    ).toBe(3);
    expect(
      renderTemplateValue('a-${{ parameters.n }}-b', {
        parameters: { n: 3 },
      }),
    ).toBe('a-3-b');
    expect(
      renderTemplateValue("${{ ['x'] if not parameters.on else [] }}", {
        parameters: { on: false },
      }),
    ).toEqual(['x']);
    expect(() =>
      renderTemplateValue('${{ parameters.missing }}', { parameters: {} }),
    ).toThrow('parameters.missing is not given');
    expect(() =>
      renderTemplateValue('${{ parameters.x | dump }}', {
        parameters: { x: 1 },
      }),
    ).toThrow('unsupported expression ${{ parameters.x | dump }}');
    expect(() =>
      renderTemplateValue('${{ [parameters.x] if parameters.on else [] }}', {
        parameters: { on: true, x: 1 },
      }),
    ).toThrow('is not a literal this renderer evaluates');
  });
});
