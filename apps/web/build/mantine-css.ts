/**
 * Mantine's stylesheets in the chunks whose components use them, not all in the entry's
 * (decisions 040, 045). The whole of `@mantine/core/styles.css` (+ dates, charts, notifications and
 * mantine-datatable) was one render-blocking stylesheet of 314 KB raw that chromium had to
 * fetch, parse and match before the first paint of every page; a page draws a few dozen of its
 * ~100 components.
 *
 * Each Mantine component imports its class names from its own `<Name>.module.mjs`, and
 * `@mantine/core/styles/<Name>.css` holds exactly those classes' rules (one file per module:
 * checked by build/mantine-css.test.ts). In the build this appends an import of that file to
 * the class-name module, so the rules go into the CSS of whichever chunk the component's code
 * is in, and load with it: the entry's stylesheet holds what the first screens draw, a screen's
 * or a menu's chunk brings the rest (Vite loads a chunk's CSS before its code runs). The other
 * packages (dates, charts, notifications, mantine-datatable) have one stylesheet each, which
 * goes with their code the same way.
 *
 * The `.layer.css` variants (`@layer mantine`): a chunk's stylesheet is added to the page
 * after the app's own CSS, so with plain rules a component loaded later would override the
 * app's rules for it at equal specificity; in a layer, Mantine's rules lose to the app's
 * wherever they load, as they did when Mantine's sheet came first.
 *
 * The dev server pre-bundles the packages (no per-module transform), so there the global
 * styles module holds every package's whole stylesheet.
 */
import type { Plugin } from 'vite';

/** What main.tsx imports first: Mantine's global styles (and in dev, all of Mantine's). */
export const MANTINE_STYLES_ID = 'virtual:mantine-styles';
const RESOLVED_ID = `\0${MANTINE_STYLES_ID}`;

/** The global styles every page needs (Mantine's "Global styles" guide), in its order. */
export const GLOBAL_STYLESHEETS = [
  '@mantine/core/styles/baseline.layer.css',
  '@mantine/core/styles/default-css-variables.layer.css',
  '@mantine/core/styles/global.layer.css',
];

/** The whole packages, for the dev server (core first, as Mantine requires). */
const WHOLE_STYLESHEETS = [
  '@mantine/core/styles.layer.css',
  '@mantine/dates/styles.layer.css',
  '@mantine/charts/styles.layer.css',
  '@mantine/notifications/styles.layer.css',
  'mantine-datatable/styles.layer.css',
];

const CORE_CLASS_MODULE =
  /[\\/]@mantine[\\/]core[\\/]esm[\\/](?:.*[\\/])?([A-Za-z]+)\.module\.mjs$/;
const PACKAGE_CLASS_MODULE =
  /[\\/]@mantine[\\/](dates|charts|notifications)[\\/]esm[\\/](?:.*[\\/])?[\w-]+\.module\.mjs$/;
const DATATABLE_MODULE = /[\\/]mantine-datatable[\\/]dist[\\/]index\.mjs$/;

/** The stylesheet a module of the build brings with it, or null. */
export function stylesheetFor(id: string): string | null {
  const core = CORE_CLASS_MODULE.exec(id);
  if (core) return `@mantine/core/styles/${core[1]}.layer.css`;
  const other = PACKAGE_CLASS_MODULE.exec(id);
  if (other) return `@mantine/${other[1]}/styles.layer.css`;
  return DATATABLE_MODULE.test(id) ? 'mantine-datatable/styles.layer.css' : null;
}

const importsOf = (files: string[]) => files.map((file) => `import '${file}';`).join('\n');

export function mantineCss(): Plugin {
  let dev = false;
  return {
    name: 'mg-mantine-css',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    resolveId(source) {
      return source === MANTINE_STYLES_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      return `${importsOf(dev ? WHOLE_STYLESHEETS : GLOBAL_STYLESHEETS)}\n`;
    },
    transform(code, id) {
      if (dev) return null;
      const sheet = stylesheetFor(id.split('?')[0] ?? id);
      // Appended: the lines above keep their places, so the existing source map still holds.
      return sheet ? { code: `${code}\nimport '${sheet}';\n`, map: null } : null;
    },
  };
}
