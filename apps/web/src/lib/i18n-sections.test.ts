import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import nb from '../locales/nb.json';
import { CORE_SECTIONS, ROUTE_STRINGS, STRING_GROUPS } from './i18n-sections';

/**
 * The split translations must hold every key a screen can show before it renders: read each
 * screen's source (and everything it imports) for the sections its keys name, and compare
 * with what lib/route-strings.ts loads for it. A miss would show a raw key such as
 * "leads.title" on the screen.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The split itself: it names sections as data, not as keys it shows. */
const SPLIT_FILES = new Set(['lib/i18n-sections.ts', 'lib/route-strings.ts']);
const SECTIONS = new Set(Object.keys(nb));
/** Sections that are one string: named whole, as `t('auditPurposeRequest')`. */
const LEAF_SECTIONS = new Set(
  Object.entries(nb)
    .filter(([, value]) => typeof value === 'string')
    .map(([key]) => key),
);

function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  // Source modules only: a JSON import (the locales themselves) names every section.
  return [`${base}.ts`, `${base}.tsx`, base, join(base, 'index.ts')].find(
    (candidate) =>
      /\.tsx?$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile(),
  );
}

/**
 * The sections a module and its relative imports use: any string or template literal that
 * starts with `<section>.` (so `t(\`errors.${code}\`)` and key tables count too), a leaf
 * section named whole, and `translateOpen(t, '<section>', …)`. Dynamic imports are followed
 * except in `skipDynamicIn` (the router: its screens are checked one by one).
 */
function sectionsUsed(start: string, skipDynamicIn?: string): Map<string, string> {
  const used = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || /\.test\.tsx?$/.test(file)) return;
    seen.add(file);
    if (SPLIT_FILES.has(relative(SRC, file))) return;
    const code = readFileSync(file, 'utf8');
    const found = [
      ...[...code.matchAll(/['"`]([a-zA-Z]+)\./g)].map((m) => m[1]),
      ...[...code.matchAll(/['"`]([a-zA-Z]+)['"`]/g)]
        .map((m) => m[1])
        .filter((name) => name !== undefined && LEAF_SECTIONS.has(name)),
      ...[...code.matchAll(/translateOpen\(\s*\w+\s*,\s*['"](\w+)['"]/g)].map((m) => m[1]),
    ];
    for (const section of found) {
      if (section && SECTIONS.has(section) && !used.has(section)) {
        used.set(section, relative(SRC, file));
      }
    }
    const imports = [...code.matchAll(/from\s+['"](\.[^'"]+)['"]/g)];
    if (file !== skipDynamicIn)
      imports.push(...code.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g));
    for (const [, specifier] of imports) {
      const target = specifier ? resolveModule(file, specifier) : undefined;
      if (target) visit(target);
    }
  };
  visit(start);
  return used;
}

const ROUTER = join(SRC, 'router.tsx');
const core = new Set<string>(CORE_SECTIONS);

describe('translations split by screen', () => {
  it('the core holds every section the entry uses (sign-in, layout, dialogs)', () => {
    const missing = [...sectionsUsed(join(SRC, 'main.tsx'), ROUTER)]
      .filter(([section]) => !core.has(section))
      .map(([section, file]) => `${section} (used in ${file})`);
    expect(missing, 'add these to CORE_SECTIONS in lib/i18n-sections.ts').toEqual([]);
  });

  it('every lazy screen of the router is listed', () => {
    const router = readFileSync(ROUTER, 'utf8');
    const modules = [...router.matchAll(/import\(\s*'\.\/(routes\/[^']+)'\s*\)/g)].map((m) => m[1]);
    expect(modules.length).toBeGreaterThan(10);
    const listed = new Set(Object.values(ROUTE_STRINGS).map((route) => route.module));
    expect(modules.filter((module) => !listed.has(module ?? ''))).toEqual([]);
  });

  for (const [path, { module, group }] of Object.entries(ROUTE_STRINGS)) {
    it(`${path} gets every section it uses`, () => {
      const file = resolveModule(ROUTER, `./${module}`);
      expect(file, `${module} exists`).toBeDefined();
      const loaded = new Set<string>([...core, ...(group ? STRING_GROUPS[group] : [])]);
      const missing = [...sectionsUsed(file ?? '')]
        .filter(([section]) => !loaded.has(section))
        .map(([section, where]) => `${section} (used in ${where})`);
      expect(missing, `add these to the ${group ?? 'new'} group in lib/i18n-sections.ts`).toEqual(
        [],
      );
    });
  }

  it('names only sections that exist', () => {
    const named = [...CORE_SECTIONS, ...Object.values(STRING_GROUPS).flat()];
    expect(named.filter((section) => !SECTIONS.has(section))).toEqual([]);
  });
});
