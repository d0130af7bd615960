import {
  type ConvertCSSVariablesInput,
  type CSSVariablesResolver,
  convertCssVariables,
  createTheme,
  DEFAULT_THEME,
  defaultCssVariablesResolver,
  mergeMantineTheme,
} from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 6 on white is 4.3:1; 8 passes WCAG AA (4.5:1) for button labels and links.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  // Outline only for keyboard focus, so mouse users aren't distracted by rings.
  focusRing: 'auto',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  components: {
    // Sentence case reads better than capitals for long Norwegian words.
    Badge: { defaultProps: { radius: 'sm', tt: 'none', fw: 600 } },
  },
});

/**
 * Mantine's default dimmed text, placeholders and light-variant badge text fall short of
 * WCAG AA contrast (4.5:1) on white and on their own tinted backgrounds; these pass.
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5f6770',
    '--mantine-color-placeholder': '#6c757d',
    '--mantine-color-blue-light-color': '#1864ab',
    '--mantine-color-cyan-light-color': '#0a5f6e',
    '--mantine-color-teal-light-color': '#066649',
    '--mantine-color-green-light-color': '#1f6e2c',
    '--mantine-color-yellow-light-color': '#8a4b00',
    '--mantine-color-orange-light-color': '#a33a0a',
    '--mantine-color-red-light-color': '#a51d1d',
    '--mantine-color-gray-light-color': '#495057',
    '--mantine-color-indigo-light-color': '#364fc7',
    '--mantine-color-grape-light-color': '#862e9c',
  },
  dark: {},
});

type Variables = ConvertCSSVariablesInput;

/** What differs from Mantine's own defaults (as its provider does with `deduplicateCssVariables`). */
function withoutDefaults(input: Variables): Variables {
  const defaults = defaultCssVariablesResolver(DEFAULT_THEME);
  const cleaned: Variables = { variables: {}, light: {}, dark: {} };
  for (const part of ['variables', 'light', 'dark'] as const)
    for (const [key, value] of Object.entries(input[part]))
      if (defaults[part][key as keyof (typeof defaults)[typeof part]] !== value)
        cleaned[part][key as keyof Variables[typeof part]] = value;
  return cleaned;
}

/**
 * The theme's CSS variables, worked out once (decision 052): the `<style>` that
 * `MantineProvider` would otherwise recompute from the theme on every render (~5 % of the
 * server's drawing of a page). The same text Mantine writes: its defaults for this theme
 * merged with `cssVariablesResolver`, less what equals Mantine's defaults, under `:root`. The
 * per-render theme (app.tsx: the close buttons' labels) adds no variable.
 */
export const themeCssVariables: string = (() => {
  const full = mergeMantineTheme(DEFAULT_THEME, theme);
  const own = defaultCssVariablesResolver(full);
  const extra = cssVariablesResolver(full);
  const merged: Variables = {
    variables: { ...own.variables, ...extra.variables },
    light: { ...own.light, ...extra.light },
    dark: { ...own.dark, ...extra.dark },
  };
  return convertCssVariables(withoutDefaults(merged));
})();
