import { renderInTestApp } from '@backstage/frontend-test-utils';
import { configure, fireEvent, screen, within } from '@testing-library/react';
import { mainPostgresStatusFixture } from '../../__fixtures__/backups';
import { probed } from '../../__testUtils__/appTheme';
import { BackupTimelineChart } from './BackupTimelineChart';
import { BackupTooltip } from './BackupTooltip';
import { POINT_SIZE, MARK_SIZE } from './chartColors';

// recharts lays out every render in jsdom; the shared CI machine is slow.
jest.setTimeout(60_000);
// findBy/waitFor wait for a render, not for a clock: give a loaded machine time.
configure({ asyncUtilTimeout: 15_000 });

const MiB = 1024 ** 2;

/** Each drawn symbol's path: its series (by order), fill, stroke and the size recharts gave it. */
function symbols(container: HTMLElement) {
  return Array.from(
    container.querySelectorAll('.recharts-scatter-symbol path'),
  ).map(path => ({
    fill: path.getAttribute('fill'),
    stroke: path.getAttribute('stroke'),
  }));
}

async function renderChart(
  status: Parameters<typeof BackupTimelineChart>[0]['status'],
) {
  const { element, theme } = probed(<BackupTimelineChart status={status} />);
  const view = renderInTestApp(element);
  await screen.findByRole('figure', {
    name: `Base backups of ${status.name} over time`,
  });
  return { ...view, theme };
}

describe('BackupTimelineChart', () => {
  it('draws one symbol per backup, plus a star around each permanent one, at full size', async () => {
    const { container } = await renderChart(mainPostgresStatusFixture);
    expect(
      container.querySelector('.recharts-responsive-container'),
    ).toBeInTheDocument();
    // 3 full + 10 restorable deltas + 1 broken delta + 1 permanent star.
    const drawn = container.querySelectorAll('.recharts-scatter-symbol path');
    expect(drawn).toHaveLength(15);
    // Not animated: every symbol is drawn at its full size from the start
    // (the old chart was screenshotted mid-animation, its dots too small to
    // see). A circle path starts at its radius: `M<r>,0A<r>,<r>,...`.
    const radius = (size: number) => Math.sqrt(size / Math.PI);
    const circle = drawn[0].getAttribute('d')!;
    expect(Number(circle.match(/^M([\d.]+),0A/)![1])).toBeCloseTo(
      radius(POINT_SIZE),
      1,
    );
    expect(radius(POINT_SIZE) * 2).toBeGreaterThan(14);
    // The permanent star reaches well beyond the circle it surrounds.
    const reach = (d: string) =>
      Math.max(...(d.match(/-?[\d.]+/g) ?? []).map(n => Math.abs(Number(n))));
    const star = drawn[14].getAttribute('d')!;
    expect(star).not.toBe(circle);
    expect(reach(star)).toBeGreaterThan(radius(POINT_SIZE) * 1.5);
    expect(MARK_SIZE).toBeGreaterThan(POINT_SIZE);
  });

  it('labels the time axis with UTC days and the size axis in GiB for GiB-sized backups', async () => {
    await renderChart(mainPostgresStatusFixture);
    for (const day of ['11-15', '11-21', '11-25', '12-01']) {
      expect(screen.getByText(day)).toBeInTheDocument();
    }
    for (const tick of ['0 GiB', '1 GiB', '2 GiB', '3 GiB']) {
      expect(screen.getByText(tick)).toBeInTheDocument();
    }
  });

  it('switches the size axis to MiB when the backups are MiB-sized (the seeded local cluster)', async () => {
    const small = {
      ...mainPostgresStatusFixture,
      backups: mainPostgresStatusFixture.backups.map(b => ({
        ...b,
        compressedSize: b.kind === 'full' ? 12.5 * MiB : 1 * MiB,
      })),
    };
    await renderChart(small);
    for (const tick of ['0 MiB', '5 MiB', '10 MiB', '15 MiB']) {
      expect(screen.getByText(tick)).toBeInTheDocument();
    }
    expect(screen.queryByText(/GiB$/)).not.toBeInTheDocument();
  });

  it('has a legend naming each series with its count', async () => {
    await renderChart(mainPostgresStatusFixture);
    const legend = screen.getByRole('list', { name: 'Legend' });
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['Full (3)', 'Delta (10)', 'Broken delta (1)', 'Permanent (1)']);
  });

  it('leaves broken deltas out of the legend when every chain is whole', async () => {
    await renderChart({ ...mainPostgresStatusFixture, chains: [] });
    const legend = screen.getByRole('list', { name: 'Legend' });
    expect(legend).toHaveTextContent('Delta (11)');
    expect(legend).not.toHaveTextContent('Broken');
  });

  it('tells full from delta by shape and fill, not colour alone', async () => {
    const { container, theme } = await renderChart(mainPostgresStatusFixture);
    const { palette } = theme();
    const paper = palette.background.paper;
    const drawn = symbols(container);
    // Full: filled circles in the primary colour.
    expect(drawn.slice(0, 3)).toEqual(
      Array(3).fill({ fill: palette.primary.main, stroke: paper }),
    );
    // Delta: hollow (paper inside), outlined in the secondary colour.
    expect(drawn.slice(3, 13)).toEqual(
      Array(10).fill({ fill: paper, stroke: palette.secondary.main }),
    );
    // Permanent: only an outline, drawn around the backup's own symbol.
    expect(drawn[14].fill).toBe('none');
    // Distinct outlines: circle vs diamond vs cross vs star paths.
    const paths = Array.from(
      container.querySelectorAll('.recharts-scatter'),
    ).map(g =>
      g
        .querySelector('path')!
        .getAttribute('d')!
        .split(/[MLZA]/),
    );
    expect(new Set(paths.map(p => p.length)).size).toBe(4);
  });

  it('shows the hovered backup in its tooltip: name, kind, size, times, permanent', async () => {
    const { container } = await renderChart(mainPostgresStatusFixture);
    const drawn = container.querySelectorAll('.recharts-scatter-symbol');
    // Series order: full (3), delta (10), broken (1), permanent (1).
    fireEvent.mouseEnter(drawn[0]);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent('base_0000000100000001000000A0');
    const rows = within(tooltip)
      .getAllByRole('row')
      .map(row => row.textContent);
    expect(rows).toEqual([
      'KindFull backup',
      'Size2.0 GiB compressed, 9.4 GiB uncompressed',
      'Started2026-11-15 01:00 UTC',
      'Finished2026-11-15 01:16 UTC',
      'Permanentyes, kept past the retention',
    ]);
  });

  it('says in the tooltip that a broken delta cannot be restored and what it increments', async () => {
    const { container } = await renderChart(mainPostgresStatusFixture);
    const drawn = container.querySelectorAll('.recharts-scatter-symbol');
    fireEvent.mouseEnter(drawn[13]);
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent(
      'base_0000000100000003000000B0_D_000000010000000300000080',
    );
    expect(
      within(tooltip).getByRole('row', { name: /^Kind/ }),
    ).toHaveTextContent('Delta backup, cannot be restored');
    expect(
      within(tooltip).getByRole('row', { name: /^Permanent/ }),
    ).toHaveTextContent('no');
    expect(
      within(tooltip).getByRole('row', { name: /^Increments/ }),
    ).toHaveTextContent(
      'base_000000010000000300000080_D_000000010000000300000050',
    );
  });
});

describe('BackupTooltip', () => {
  it('renders nothing while no point is hovered', () => {
    renderInTestApp(<BackupTooltip active={false} payload={[]} />);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });
});
