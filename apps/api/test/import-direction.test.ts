import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Imports point down only: routes (routers/, public/) -> lib -> db/shared. A lib module that
 * reached up into the procedures or the routes would tie the rule it holds to one door.
 */
const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of text.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

/** Files under `dir` importing a module whose path starts with one of `banned`. */
function upwardImports(
  files: { path: string; text: string }[],
  banned: RegExp,
): { path: string; specifier: string }[] {
  return files.flatMap(({ path, text }) =>
    specifiers(text)
      .filter((s) => banned.test(s))
      .map((specifier) => ({ path, specifier })),
  );
}

const read = (dir: string) =>
  sources(dir).map((path) => ({ path, text: readFileSync(join(SRC, path), 'utf8') }));

describe('import direction', () => {
  it('lib imports neither trpc.ts nor the routes', () => {
    const files = read('lib');
    expect(files.length).toBeGreaterThan(10);
    expect(upwardImports(files, /^\.\.\/(trpc|routers|public)(\/|$)/)).toEqual([]);
  });

  it('public routes import no router', () => {
    const files = read('public');
    expect(files.length).toBeGreaterThan(3);
    expect(upwardImports(files, /^\.\.\/routers(\/|$)/)).toEqual([]);
  });

  it('catches every form of import it is meant to', () => {
    const text = [
      "import { a } from '../trpc';",
      "import type {\n  B,\n} from '../routers/lead';",
      "export { c } from '../public/intake';",
      "const d = await import('../trpc');",
      "import '../routers/root';",
      "import { ok } from './access-log';",
    ].join('\n');
    expect(
      upwardImports([{ path: 'x.ts', text }], /^\.\.\/(trpc|routers|public)(\/|$)/).map(
        (u) => u.specifier,
      ),
    ).toEqual(['../trpc', '../routers/lead', '../public/intake', '../routers/root', '../trpc']);
  });
});
