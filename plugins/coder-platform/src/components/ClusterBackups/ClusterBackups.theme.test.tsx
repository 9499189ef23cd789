import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Theme } from '@material-ui/core/styles';
import { configure, screen, within } from '@testing-library/react';
import { coderPlatformApiRef } from '../../api';
import { probed, withAppTheme } from '../../__testUtils__/appTheme';
import { backupsApi } from './__testUtils__/renderBackups';
import { ClusterBackupsContent } from './ClusterBackupsContent';

// recharts and material-table lay out in jsdom; the shared CI machine is slow.
jest.setTimeout(90_000);
configure({ asyncUtilTimeout: 15_000 });

/** Backstage's status colours, on the themes of `@backstage/theme`. */
function status(theme: Theme): Record<'ok' | 'warning' | 'error', string> {
  return (theme.palette as unknown as { status: any }).status;
}

async function renderTab() {
  const { element, theme } = probed(
    <ClusterBackupsContent cluster="dev-eu1" />,
  );
  const view = renderInTestApp(element, {
    apis: [[coderPlatformApiRef, backupsApi()]],
  });
  await screen.findByRole('figure', {
    name: 'Base backups of main-postgres-db over time',
  });
  return { ...view, theme: theme() };
}

function fills(container: HTMLElement) {
  return Array.from(
    container.querySelectorAll('.recharts-scatter-symbol path'),
  ).map(path => [path.getAttribute('fill'), path.getAttribute('stroke')]);
}

describe.each([
  // The app plugin's themes: Backstage's light and dark palettes.
  ['light', { primary: '#1F5493', paper: '#FFFFFF', error: '#E22134' }],
  ['dark', { primary: '#9CC9FF', paper: '#424242', error: '#F84C55' }],
] as const)('the Backups tab in the %s theme', (id, known) => {
  withAppTheme(id);

  it('renders under that theme of the test app', async () => {
    const { theme } = await renderTab();
    expect(theme.palette.type).toBe(id);
    expect(theme.palette.primary.main).toBe(known.primary);
    expect(theme.palette.background.paper).toBe(known.paper);
    expect(status(theme).error).toBe(known.error);
  });

  it("draws every chart series in the theme's palette", async () => {
    const { container, theme } = await renderTab();
    const { palette } = theme;
    const paper = palette.background.paper;
    expect(fills(container)).toEqual([
      ...Array(3).fill([palette.primary.main, paper]),
      ...Array(10).fill([paper, palette.secondary.main]),
      [status(theme).error, paper],
      ['none', status(theme).warning],
    ]);
    // The legend draws the same symbols.
    const legend = screen.getByRole('list', { name: 'Legend' });
    const icon = (series: string) =>
      legend.querySelector(`[data-series="${series}"] path`)!;
    expect(icon('full')).toHaveAttribute('fill', palette.primary.main);
    expect(icon('delta')).toHaveAttribute('stroke', palette.secondary.main);
    expect(icon('broken')).toHaveAttribute('fill', status(theme).error);
    expect(icon('permanent')).toHaveAttribute('stroke', status(theme).warning);
    // Axis labels and grid follow the theme's text and divider colours.
    expect(
      container.querySelector('.recharts-yAxis .recharts-cartesian-axis-line'),
    ).toHaveAttribute('stroke', palette.text.secondary);
    expect(
      container.querySelector('.recharts-cartesian-grid line'),
    ).toHaveAttribute('stroke', palette.divider);
  });

  it("colours the health chips and the broken-backup chip with the theme's status colours", async () => {
    const { theme } = await renderTab();
    const critical = status(theme).error;
    // The tab's and the card's health chips (the alert's title says it too).
    const chips = screen
      .getAllByText('Critical')
      .map(label => label.closest('.MuiChip-root'))
      .filter((chip): chip is Element => chip !== null);
    expect(chips).toHaveLength(2);
    for (const chip of chips) {
      expect(chip).toHaveStyle({
        backgroundColor: critical,
        color: theme.palette.getContrastText(critical),
      });
    }
    const list = screen.getByRole('table', {
      name: 'Base backups of main-postgres-db',
    });
    const broken = within(list)
      .getByText('Cannot be restored')
      .closest('.MuiChip-root');
    expect(broken).toHaveStyle({ backgroundColor: critical });
  });
});
