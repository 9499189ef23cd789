import { Theme, useTheme } from '@material-ui/core/styles';

/**
 * Makes every test app of the surrounding `describe` start in one of the
 * themes Backstage's app plugin installs (`light`: `themes.light`, `dark`:
 * `themes.dark` of `@backstage/theme`). The app's theme API reads the active
 * theme id from local storage, as it does in a browser after a user picks
 * one in Settings.
 */
export function withAppTheme(id: 'light' | 'dark') {
  beforeEach(() => window.localStorage.setItem('theme', id));
  afterEach(() => window.localStorage.removeItem('theme'));
}

/**
 * Renders nothing; hands the theme in effect at its place in the tree to
 * `onTheme`, so a test can compare rendered colours with that theme's palette.
 */
export function ThemeProbe(props: { onTheme: (theme: Theme) => void }) {
  props.onTheme(useTheme());
  return null;
}

/** Renders `element` after a probe; `theme()` returns the theme the probe saw. */
export function probed(element: JSX.Element): {
  element: JSX.Element;
  theme: () => Theme;
} {
  let seen: Theme | undefined;
  return {
    element: (
      <>
        <ThemeProbe
          onTheme={t => {
            seen = t;
          }}
        />
        {element}
      </>
    ),
    theme: () => {
      if (!seen) throw new Error('the theme probe was not rendered');
      return seen;
    },
  };
}
