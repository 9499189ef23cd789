import type { Theme } from '@material-ui/core/styles';

/** Colours of the backup views, all from the theme's palette (light and dark). */
export function backupColors(theme: Theme) {
  const { palette } = theme;
  return {
    full: palette.primary.main,
    delta: palette.info.main,
    broken: palette.error.main,
    permanent: palette.warning.main,
    axis: palette.text.secondary,
    grid: palette.divider,
    tooltipBackground: palette.background.paper,
    tooltipText: palette.text.primary,
    health: {
      ok: palette.success.main,
      warning: palette.warning.main,
      critical: palette.error.main,
    },
  };
}
