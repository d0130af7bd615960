import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GLOBAL_STYLESHEETS, MANTINE_STYLES_ID, mantineCss, stylesheetFor } from './mantine-css';

const require = createRequire(import.meta.url);

/** Every class-name module a Mantine package's ESM build holds (what the browser build reads). */
function classModules(pkg: string): string[] {
  // require.resolve finds the CommonJS build (cjs/index.cjs); the ESM one is beside it.
  const esm = join(dirname(require.resolve(pkg)), '..', 'esm');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.module.mjs')) found.push(path);
    }
  };
  walk(esm);
  return found;
}

/** The Mantine names a class-name module hands its component (`m_` + hash: classes, keyframes). */
const classNamesIn = (file: string) => [
  ...new Set(readFileSync(file, 'utf8').match(/\bm_[0-9a-f]{6,}\b/g) ?? []),
];

const sheet = (specifier: string) => readFileSync(require.resolve(specifier), 'utf8');

describe("Mantine's stylesheets by component", () => {
  const core = classModules('@mantine/core');

  it("maps each of core's class-name modules to the stylesheet defining its classes", () => {
    expect(core.length).toBeGreaterThan(50);
    for (const file of core) {
      const specifier = stylesheetFor(file);
      expect(specifier, file).toMatch(/^@mantine\/core\/styles\/[A-Za-z]+\.layer\.css$/);
      const css = sheet(specifier ?? '');
      expect(css.startsWith('@layer mantine')).toBe(true);
      for (const name of classNamesIn(file)) expect(css, `${name} of ${file}`).toContain(name);
    }
  });

  it("leaves none of core's component stylesheets out (with the global ones: all of styles.css)", () => {
    const mapped = new Set(core.map((file) => stylesheetFor(file)));
    for (const global of GLOBAL_STYLESHEETS) mapped.add(global);
    const shipped = readdirSync(dirname(require.resolve('@mantine/core/styles/Button.layer.css')))
      .filter((name) => name.endsWith('.layer.css'))
      .map((name) => `@mantine/core/styles/${name}`);
    expect(shipped.filter((file) => !mapped.has(file))).toEqual([]);
  });

  it('gives the other packages their whole stylesheet, with the classes their modules use', () => {
    for (const pkg of ['@mantine/dates', '@mantine/charts', '@mantine/notifications']) {
      const modules = classModules(pkg);
      expect(modules.length, pkg).toBeGreaterThan(0);
      for (const file of modules) {
        expect(stylesheetFor(file)).toBe(`${pkg}/styles.layer.css`);
        const css = sheet(`${pkg}/styles.layer.css`);
        for (const name of classNamesIn(file)) expect(css, `${name} of ${file}`).toContain(name);
      }
    }
    const datatable = require.resolve('mantine-datatable').replace(/index\.js$/, 'index.mjs');
    expect(stylesheetFor(datatable)).toBe('mantine-datatable/styles.layer.css');
  });

  it('adds nothing to any other module', () => {
    expect(stylesheetFor('/x/node_modules/@mantine/core/esm/components/Button/Button.mjs')).toBe(
      null,
    );
    expect(stylesheetFor('/x/apps/web/src/routes/leads/leads-page.tsx')).toBe(null);
    expect(stylesheetFor('/x/node_modules/mantine-datatable/dist/index.js')).toBe(null);
  });

  it('appends the import in a build, keeping the lines in place; the dev server gets whole sheets', () => {
    const build = mantineCss();
    const configured = build.configResolved as (config: { command: string }) => void;
    const transform = build.transform as (
      code: string,
      id: string,
    ) => { code: string; map: null } | null;
    const resolve = build.resolveId as (source: string) => string | null;
    const load = build.load as (id: string) => string | null;
    configured({ command: 'build' });
    const id = '/x/node_modules/@mantine/core/esm/components/Button/Button.module.mjs';
    const code = 'var classes = { "root": "m_77c9d27d" };\nexport default classes;';
    expect(transform(code, id)).toEqual({
      code: `${code}\nimport '@mantine/core/styles/Button.layer.css';\n`,
      map: null,
    });
    expect(transform(code, '/x/src/app.tsx')).toBeNull();
    const globals = load(resolve(MANTINE_STYLES_ID) ?? '');
    expect(globals).toBe(`${GLOBAL_STYLESHEETS.map((f) => `import '${f}';`).join('\n')}\n`);

    const dev = mantineCss();
    (dev.configResolved as typeof configured)({ command: 'serve' });
    expect((dev.transform as typeof transform)(code, id)).toBeNull();
    const whole = (dev.load as typeof load)(resolve(MANTINE_STYLES_ID) ?? '') ?? '';
    expect(whole.indexOf("'@mantine/core/styles.layer.css'")).toBe(7);
    expect(whole).toContain("'mantine-datatable/styles.layer.css'");
  });
});
