import type { Theme } from '@material-ui/core/styles';

/**
 * Colours of the backup views, all from the theme's palette. Where Backstage's
 * themes define a status colour (`palette.status`, lighter in the dark theme)
 * it wins over Material UI's `error` / `warning` / `success`, which are the
 * same in light and dark.
 */
export function backupColors(theme: Theme) {
  const { palette } = theme;
  const status: Partial<Record<'ok' | 'warning' | 'error', string>> =
    (palette as { status?: Record<string, string> }).status ?? {};
  const error = status.error ?? palette.error.main;
  const warning = status.warning ?? palette.warning.main;
  return {
    full: palette.primary.main,
    delta: palette.secondary.main,
    broken: error,
    permanent: warning,
    /** Inside hollow symbols and around filled ones: the chart's background. */
    background: palette.background.paper,
    axis: palette.text.secondary,
    grid: palette.divider,
    tooltipBackground: palette.background.paper,
    tooltipText: palette.text.primary,
    health: {
      ok: status.ok ?? palette.success.main,
      warning,
      critical: error,
    },
  };
}

/** The four series of the timeline chart. */
export type SeriesKey = 'full' | 'delta' | 'broken' | 'permanent';

/** How one series is drawn, in the chart and in its legend. */
export interface SeriesStyle {
  label: string;
  shape: 'circle' | 'diamond' | 'cross' | 'star';
  /** Symbol area in px². */
  size: number;
  fill: string;
  stroke: string;
  strokeWidth: number;
}

/** Symbol area of a backup, in px² (a circle about 15 px across). */
export const POINT_SIZE = 180;
/** Symbol area of the permanent mark drawn around a backup. */
export const MARK_SIZE = 700;

/**
 * Full and delta backups differ in shape and fill, not colour alone: full is
 * a filled circle, delta a hollow diamond, a broken delta a filled cross;
 * a permanent backup gets a hollow star drawn around its symbol.
 */
export function seriesStyles(theme: Theme): Record<SeriesKey, SeriesStyle> {
  const colors = backupColors(theme);
  return {
    full: {
      label: 'Full',
      shape: 'circle',
      size: POINT_SIZE,
      fill: colors.full,
      stroke: colors.background,
      strokeWidth: 1,
    },
    delta: {
      label: 'Delta',
      shape: 'diamond',
      size: POINT_SIZE,
      fill: colors.background,
      stroke: colors.delta,
      strokeWidth: 2.5,
    },
    broken: {
      label: 'Broken delta',
      shape: 'cross',
      size: POINT_SIZE,
      fill: colors.broken,
      stroke: colors.background,
      strokeWidth: 1,
    },
    permanent: {
      label: 'Permanent',
      shape: 'star',
      size: MARK_SIZE,
      fill: 'none',
      stroke: colors.permanent,
      strokeWidth: 2,
    },
  };
}
