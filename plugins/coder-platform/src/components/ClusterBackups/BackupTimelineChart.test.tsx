import { renderInTestApp } from '@backstage/frontend-test-utils';
import { createTheme, ThemeProvider } from '@material-ui/core/styles';
import { configure, fireEvent, screen } from '@testing-library/react';
import { mainPostgresStatusFixture } from '../../__fixtures__/backups';
import { BackupTimelineChart } from './BackupTimelineChart';
import { BackupTooltip } from './BackupTooltip';
import { backupColors } from './chartColors';
import { toTimelinePoints } from './timeline';

// recharts lays out every render in jsdom; the shared CI machine is slow.
jest.setTimeout(60_000);
// findBy/waitFor wait for a render, not for a clock: give a loaded machine time.
configure({ asyncUtilTimeout: 15_000 });

describe('BackupTimelineChart', () => {
  it('draws one symbol per backup, plus a star over each permanent one', async () => {
    const { container } = renderInTestApp(
      <BackupTimelineChart status={mainPostgresStatusFixture} />,
    );
    expect(
      await screen.findByRole('figure', {
        name: 'Base backups of main-postgres-db over time',
      }),
    ).toBeInTheDocument();
    expect(
      container.querySelector('.recharts-responsive-container'),
    ).toBeInTheDocument();
    // 3 full + 10 restorable deltas + 1 broken delta + 1 permanent star.
    expect(container.querySelectorAll('.recharts-scatter-symbol')).toHaveLength(
      15,
    );
    // Every other UTC day on the time axis, compressed GiB on the other.
    for (const day of ['11-15', '11-21', '11-25', '12-01']) {
      expect(screen.getByText(day)).toBeInTheDocument();
    }
    expect(screen.getByText('2.2 GiB')).toBeInTheDocument();
    for (const name of ['Full', 'Delta', 'Broken delta', 'Permanent']) {
      expect(screen.getByText(name)).toBeInTheDocument();
    }
  });
});

describe('BackupTimelineChart in a dark theme', () => {
  it('fills the symbols from the dark palette', async () => {
    const dark = createTheme({
      palette: {
        type: 'dark',
        primary: { main: '#9cc9ff' },
        info: { main: '#4fc3f7' },
        error: { main: '#ff6e6e' },
        warning: { main: '#ffb74d' },
      },
    });
    const { container } = renderInTestApp(
      <ThemeProvider theme={dark}>
        <BackupTimelineChart status={mainPostgresStatusFixture} />
      </ThemeProvider>,
    );
    await screen.findByRole('figure');
    const fills = Array.from(
      container.querySelectorAll('.recharts-scatter-symbol path'),
    ).map(path => path.getAttribute('fill'));
    expect(fills).toEqual([
      ...Array(3).fill('#9cc9ff'),
      ...Array(10).fill('#4fc3f7'),
      '#ff6e6e',
      '#ffb74d',
    ]);
  });
});

describe('BackupTimelineChart tooltip', () => {
  it('shows the hovered backup', async () => {
    const { container } = renderInTestApp(
      <BackupTimelineChart status={mainPostgresStatusFixture} />,
    );
    await screen.findByRole('figure');
    const symbols = container.querySelectorAll('.recharts-scatter-symbol');
    // Series order: full (3), delta (10), broken (1), permanent (1).
    fireEvent.mouseEnter(symbols[13]);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'base_0000000100000003000000B0_D_000000010000000300000080Delta backup, cannot be restored',
    );
  });
});

describe('BackupTooltip', () => {
  const points = toTimelinePoints(mainPostgresStatusFixture);

  it('shows name, start, finish and size of the hovered backup', async () => {
    renderInTestApp(
      <BackupTooltip active payload={[{ payload: points[0] }]} />,
    );
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent('base_0000000100000001000000A0');
    expect(tooltip).toHaveTextContent('Full backup, permanent');
    expect(tooltip).toHaveTextContent('Started 2026-11-15 01:00 UTC');
    expect(tooltip).toHaveTextContent('Finished 2026-11-15 01:16 UTC');
    expect(tooltip).toHaveTextContent(
      'Size 2.0 GiB compressed, 9.4 GiB uncompressed',
    );
  });

  it('says a broken delta cannot be restored and what it increments', async () => {
    const broken = points.find(p => p.broken)!;
    renderInTestApp(<BackupTooltip active payload={[{ payload: broken }]} />);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent('Delta backup, cannot be restored');
    expect(tooltip).toHaveTextContent(
      'Increments base_000000010000000300000080_D_000000010000000300000050',
    );
  });

  it('renders nothing when not hovering', () => {
    renderInTestApp(<BackupTooltip active={false} payload={[]} />);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });
});

describe('backupColors', () => {
  it('takes every colour from the theme palette, so dark mode follows', () => {
    const light = createTheme({ palette: { type: 'light' } });
    const dark = createTheme({ palette: { type: 'dark' } });
    expect(backupColors(light)).toMatchObject({
      full: light.palette.primary.main,
      delta: light.palette.info.main,
      broken: light.palette.error.main,
      permanent: light.palette.warning.main,
      tooltipBackground: '#fff',
      tooltipText: light.palette.text.primary,
    });
    expect(backupColors(dark)).toMatchObject({
      tooltipBackground: dark.palette.background.paper,
      tooltipText: '#fff',
      axis: dark.palette.text.secondary,
      grid: dark.palette.divider,
    });
    expect(backupColors(dark).tooltipBackground).not.toBe(
      backupColors(light).tooltipBackground,
    );
  });
});
