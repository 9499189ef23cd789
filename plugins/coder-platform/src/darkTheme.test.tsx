import type { Theme } from '@material-ui/core/styles';
import { configure, screen, within } from '@testing-library/react';
import { postgresBackupsResponseFixture } from './__fixtures__/backups';
import { clustersFixture } from './__fixtures__/clusters';
import { coderOverviewFixture } from './__fixtures__/coder';
import { helmReleasesFixture } from './__fixtures__/releases';
import { probed, withAppTheme } from './__testUtils__/appTheme';
import { renderWithApi } from './__testUtils__/renderWithApi';
import { ClusterOverviewContent } from './components/ClusterOverview';
import { ClusterReleasesContent } from './components/ClusterReleases';
import { ClustersTable } from './components/ClustersTable';
import { rootRouteRef } from './routes';

// material-table lays out in jsdom; the shared CI machine is slow.
jest.setTimeout(90_000);
configure({ asyncUtilTimeout: 15_000 });

type StatusColours = Record<'ok' | 'warning' | 'error' | 'aborted', string>;

/** Backstage's status colours, on the themes of `@backstage/theme`. */
function status(theme: Theme): StatusColours {
  return (theme.palette as unknown as { status: StatusColours }).status;
}

/**
 * The fill the theme's stylesheet gives a health badge's icon: the
 * `BackstageStatus-<level>` rule of its class (read from the stylesheet, not
 * jsdom's cascade, which does not order JSS sheets as a browser does).
 */
function badgeFill(label: HTMLElement): string {
  const icon = label.closest('span')!.querySelector('svg')!;
  const level = Array.from(icon.classList).find(c =>
    /^BackstageStatus-(ok|warning|error|aborted)-\d+$/.test(c),
  );
  if (!level) throw new Error(`no status class on ${icon.outerHTML}`);
  for (const sheet of Array.from(document.styleSheets)) {
    for (const rule of Array.from(sheet.cssRules) as CSSStyleRule[]) {
      if (rule.selectorText === `.${level}`) {
        return rule.style.getPropertyValue('fill').toUpperCase();
      }
    }
  }
  throw new Error(`no stylesheet rule for .${level}`);
}

/** Colours compared as jsdom keeps them from the stylesheet: hex, any case. */
const rgb = (hex: string) => hex.toUpperCase();

describe.each([
  ['light', { ok: '#1DB954', warning: '#FF9800', error: '#E22134' }],
  ['dark', { ok: '#71CF88', warning: '#FFB84D', error: '#F84C55' }],
] as const)('health badges in the %s theme', (id, known) => {
  withAppTheme(id);

  it("the Coder Platform page's clusters table colours health from the theme", async () => {
    const { element, theme } = probed(<ClustersTable />);
    renderWithApi(
      element,
      {
        listClusters: async () => clustersFixture,
        getCoderOverview: async cluster => ({
          ...coderOverviewFixture,
          cluster,
        }),
        getPostgresBackups: async () => postgresBackupsResponseFixture,
      },
      { mountedRoutes: { '/coder-platform': rootRouteRef } },
    );
    const dev = (await screen.findAllByText('Development EU'))[0].closest(
      'tr',
    )!;
    const colours = status(theme());
    expect(theme().palette.type).toBe(id);
    expect(colours).toMatchObject(known);
    // Coder reports a warning; the backups are critical.
    expect(badgeFill(await within(dev).findByText('warning'))).toBe(
      rgb(colours.warning),
    );
    expect(badgeFill(await within(dev).findByText('7 h 54 min ago'))).toBe(
      rgb(colours.error),
    );
  });

  it('the Overview tab colours Coder health sections from the theme', async () => {
    const { element, theme } = probed(
      <ClusterOverviewContent cluster="dev-eu1" />,
    );
    renderWithApi(element, {
      getCoderOverview: async () => coderOverviewFixture,
    });
    const failing = await screen.findByRole('list', {
      name: 'Failing health sections',
    });
    const colours = status(theme());
    expect(badgeFill(within(failing).getByText('derp'))).toBe(
      rgb(colours.warning),
    );
    expect(badgeFill(within(failing).getByText('provisioner_daemons'))).toBe(
      rgb(colours.error),
    );
  });

  it('the Releases tab colours release status from the theme', async () => {
    const { element, theme } = probed(
      <ClusterReleasesContent cluster="dev-eu1" />,
    );
    renderWithApi(element, { getReleases: async () => helmReleasesFixture });
    const table = await screen.findByRole('table', { name: 'Helm releases' });
    const colours = status(theme());
    const deployed = within(table).getAllByText(/^deployed \(rev \d+\)$/);
    expect(badgeFill(deployed[0])).toBe(rgb(colours.ok));
    expect(badgeFill(within(table).getAllByText('in sync')[0])).toBe(
      rgb(colours.ok),
    );
    expect(badgeFill(within(table).getAllByText('drift')[0])).toBe(
      rgb(colours.warning),
    );
  });
});
