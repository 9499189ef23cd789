import { screen, within } from '@testing-library/react';
import { helmReleasesFixture } from '../../__fixtures__/releases';
import { renderWithApi } from '../../__testUtils__/renderWithApi';
import { dataStateCases } from '../../__testUtils__/states';
import { ClusterReleasesContent } from './ClusterReleasesContent';

/** The first body row whose text contains `text`. */
function row(table: HTMLElement, text: string) {
  const found = within(table)
    .getAllByRole('row')
    .slice(1)
    .find(r => r.textContent?.includes(text));
  if (!found) throw new Error(`no row with ${text}`);
  return found;
}

describe('ClusterReleasesContent', () => {
  it('shows chart and app versions, status and drift per release', async () => {
    const getReleases = jest.fn(async () => helmReleasesFixture);
    renderWithApi(<ClusterReleasesContent cluster="dev-eu1" />, {
      getReleases,
    });

    const table = await screen.findByRole('table', { name: 'Helm releases' });
    expect(getReleases).toHaveBeenCalledWith('dev-eu1');
    expect(
      screen.getByText(/2 of 5 releases differ from the pinned versions/),
    ).toBeInTheDocument();

    const certManager = row(table, 'cert-manager');
    expect(within(certManager).getAllByText('v1.16.2')).toHaveLength(2);
    expect(within(certManager).getByText('v1.17.4')).toBeInTheDocument();
    expect(within(certManager).getByText('drift')).toBeInTheDocument();
    expect(
      within(certManager).getByText('deployed (rev 3)'),
    ).toBeInTheDocument();

    const monitoring = row(table, 'monitoring');
    expect(
      within(monitoring).getByText('kube-prometheus-stack'),
    ).toBeInTheDocument();
    expect(within(monitoring).getByText('not installed')).toBeInTheDocument();

    const keycloak = row(table, 'keycloak');
    expect(within(keycloak).getByText('failed (rev 4)')).toBeInTheDocument();
    expect(
      within(keycloak).getByText(
        'Upgrade "main" failed: context deadline exceeded',
      ),
    ).toBeInTheDocument();
    expect(within(keycloak).getByText('26.3.2')).toBeInTheDocument();

    expect(within(table).getByText('not pinned')).toBeInTheDocument();
    expect(within(table).getAllByText('in sync')).toHaveLength(2);
  });

  it('never breaks a header or a version mid-word; a narrow screen scrolls the table', async () => {
    renderWithApi(<ClusterReleasesContent cluster="dev-eu1" />, {
      getReleases: jest.fn(async () => helmReleasesFixture),
    });
    const table = await screen.findByRole('table', { name: 'Helm releases' });
    const [head, ...body] = within(table).getAllByRole('row');
    // Headers wrap at spaces ("Chart / version"), never inside "Pinned".
    for (const header of within(head).getAllByRole('columnheader')) {
      expect(header).toHaveStyle({
        wordBreak: 'normal',
        overflowWrap: 'normal',
      });
    }
    for (const release of body) {
      const cells = within(release).getAllByRole('cell');
      // Chart version, pinned version, app version: one line each.
      for (const cell of cells.slice(2, 5)) {
        expect(cell).toHaveStyle({ whiteSpace: 'nowrap', wordBreak: 'normal' });
      }
    }
    expect(table.parentElement).toHaveClass('MuiTableContainer-root');
    expect(table.parentElement).toHaveStyle({ overflowX: 'auto' });
  });

  it('says so when every pinned release is in sync', async () => {
    renderWithApi(<ClusterReleasesContent cluster="dev-eu1" />, {
      getReleases: async () => ({
        ...helmReleasesFixture,
        driftCount: 0,
        items: [helmReleasesFixture.items[0]],
      }),
    });
    expect(
      await screen.findByText(
        'Every pinned release is installed at its pinned version.',
      ),
    ).toBeInTheDocument();
  });

  it('says when the cluster has no releases', async () => {
    renderWithApi(<ClusterReleasesContent cluster="dev-eu1" />, {
      getReleases: async () => ({
        ...helmReleasesFixture,
        driftCount: 0,
        items: [],
      }),
    });
    expect(
      await screen.findByText('No Helm releases found in this cluster.'),
    ).toBeInTheDocument();
  });

  it.each(
    dataStateCases({
      render: api =>
        renderWithApi(<ClusterReleasesContent cluster="dev-eu1" />, api),
      method: 'getReleases',
      what: 'Helm releases',
      configKey: 'coderPlatform.clusters[].kubernetes',
      permission: 'coder-platform.releases.read',
      upstream: 'kubernetes',
      value: helmReleasesFixture,
      dataText: 'cert-manager',
    }),
  )('$name', async ({ run }) => {
    expect.hasAssertions();
    await run();
  });
});
