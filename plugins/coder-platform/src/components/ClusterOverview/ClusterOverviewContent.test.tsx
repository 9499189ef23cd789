import { screen, within } from '@testing-library/react';
import {
  coderOverviewFixture,
  coderOverviewWithoutHealthFixture,
} from '../../__fixtures__/coder';
import { CoderPlatformApi } from '../../api';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { dataStateCases } from '../../__testUtils__/states';
import { ClusterOverviewContent } from './ClusterOverviewContent';

function renderOverview(
  api: Partial<CoderPlatformApi>,
  entityLinks?: { title?: string; url: string }[],
) {
  return renderWithApi(
    <ClusterOverviewContent cluster="dev-eu1" entityLinks={entityLinks} />,
    api,
  );
}

describe('ClusterOverviewContent', () => {
  it('shows version, upgrade message, health, workspaces, provisioners and links', async () => {
    const getCoderOverview = jest.fn(async () => coderOverviewFixture);
    await renderOverview({ getCoderOverview });

    expect(await screen.findByText('v2.25.1+a1b2c3d')).toHaveAttribute(
      'href',
      'https://github.com/coder/coder/commit/a1b2c3d',
    );
    expect(getCoderOverview).toHaveBeenCalledWith('dev-eu1');
    expect(
      screen.getByText('Coder v2.26.0 is available: see the release notes.'),
    ).toBeInTheDocument();

    const failing = screen.getByRole('list', {
      name: 'Failing health sections',
    });
    expect(within(failing).getByText('derp')).toBeInTheDocument();
    expect(
      within(failing).getByText(/Region eu-west has high latency/),
    ).toBeInTheDocument();
    expect(
      within(failing).getByText('DERP node eu-west-1 took 412 ms to respond'),
    ).toBeInTheDocument();
    expect(
      within(failing).getByText(/coder-provisioner-2 is offline/),
    ).toBeInTheDocument();
    expect(screen.getByText('Unhealthy (warning)')).toBeInTheDocument();

    const counts = screen.getByLabelText('Workspaces by status');
    expect(within(counts).getByText('17 running')).toBeInTheDocument();
    expect(within(counts).getByText('3 failed')).toBeInTheDocument();
    expect(within(counts).getByText('41 stopped')).toBeInTheDocument();

    const provisioners = screen.getByRole('table', {
      name: 'Provisioner daemons',
    });
    expect(
      within(provisioners).getByText('coder-provisioner-1'),
    ).toBeInTheDocument();
    expect(within(provisioners).getByText('offline')).toBeInTheDocument();
    expect(
      within(provisioners).getByText('running (devbox)'),
    ).toBeInTheDocument();

    const links = screen.getByRole('list', { name: 'Cluster links' });
    expect(within(links).getByText('Coder')).toHaveAttribute(
      'href',
      'https://coder.dev-eu1.example.com',
    );
    expect(
      screen.getByText(
        /No URL known for Keycloak, Grafana, Prometheus, Alertmanager/,
      ),
    ).toBeInTheDocument();
  });

  it("adds the entity's links for the tools the backend has no URL for", async () => {
    await renderOverview(
      { getCoderOverview: async () => coderOverviewFixture },
      [
        { title: 'Grafana', url: 'https://grafana.dev-eu1.example.com' },
        {
          title: 'Keycloak admin',
          url: 'https://sso.dev-eu1.example.com/admin',
        },
        { title: 'Runbook', url: 'https://wiki.example.com/runbook' },
      ],
    );

    const links = await screen.findByRole('list', { name: 'Cluster links' });
    expect(within(links).getByText('Grafana')).toHaveAttribute(
      'href',
      'https://grafana.dev-eu1.example.com',
    );
    expect(within(links).getByText('Keycloak')).toBeInTheDocument();
    expect(within(links).queryByText('Runbook')).not.toBeInTheDocument();
    expect(
      screen.getByText(/No URL known for Prometheus, Alertmanager/),
    ).toBeInTheDocument();
  });

  it('says what is missing on a deployment with no provisioners, stats or templates', async () => {
    await renderOverview({
      getCoderOverview: async () => ({
        ...coderOverviewFixture,
        health: {
          ...coderOverviewFixture.health!,
          healthy: true,
          severity: 'ok',
          failing: [],
        },
        stats: undefined,
        provisioners: [],
        templates: [],
        unavailable: [
          {
            section: 'stats',
            message: 'GET /api/v2/insights/deployment answered 403',
          },
        ],
      }),
    });

    expect(await screen.findByText('Healthy')).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Failing health sections' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Workspace counts not available.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No provisioner daemons reported/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Not shown: stats (GET /api/v2/insights/deployment answered 403)',
      ),
    ).toBeInTheDocument();
  });

  it('says why the health report is missing', async () => {
    await renderOverview({
      getCoderOverview: async () => coderOverviewWithoutHealthFixture,
    });

    expect(
      await screen.findByText(
        /Health report not available: GET \/api\/v2\/debug\/health answered 403: the token needs the Owner role/,
      ),
    ).toBeInTheDocument();
  });

  it.each(
    dataStateCases({
      render: api => renderOverview(api),
      method: 'getCoderOverview',
      what: 'Coder deployment',
      configKey: 'coderPlatform.clusters[].coder',
      permission: 'coder-platform.coder.read',
      upstream: 'coder',
      value: coderOverviewFixture,
      dataText: 'v2.25.1+a1b2c3d',
    }),
  )('$name', async ({ run }) => {
    expect.hasAssertions();
    await run();
  });
});
