/**
 * Cuts the translations into the groups of src/lib/i18n-sections.ts at build time (issue 11):
 * `import strings from 'virtual:strings/nb/leads'` is the `leads` group's sections of
 * src/locales/nb.json, `virtual:strings/nb/core` the core's. nb.json stays the one file
 * people edit (and merge), so no key moves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { CORE_SECTIONS, STRING_GROUPS } from '../src/lib/i18n-sections';

const PREFIX = 'virtual:strings/';
/**
 * Rollup's mark for a module that is not a file (no other plugin tries to read it), and a
 * flat name, so the chunk is called `nb-leads-<hash>.js`, not `leads-<hash>.js` beside the
 * screen's own `leads-page-<hash>.js`.
 */
const RESOLVED = `\0${PREFIX}`;

function sectionsOf(group: string): readonly string[] | undefined {
  if (group === 'core') return CORE_SECTIONS;
  return Object.entries(STRING_GROUPS).find(([name]) => name === group)?.[1];
}

export function localeSections(localesDir: string): Plugin {
  return {
    name: 'mg-locale-sections',
    resolveId(id) {
      return id.startsWith(PREFIX)
        ? `${RESOLVED}${id.slice(PREFIX.length).replace('/', '-')}`
        : undefined;
    },
    load(id) {
      if (!id.startsWith(RESOLVED)) return undefined;
      const [language = '', group = ''] = id.slice(RESOLVED.length).split('-');
      const sections = sectionsOf(group);
      if (!/^[a-z]{2}$/.test(language) || !sections) {
        this.error(`${id.slice(1)}: expected virtual:strings/<language>/<group of i18n-sections>`);
      }
      const file = join(localesDir, `${language}.json`);
      this.addWatchFile(file);
      const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const picked: Record<string, unknown> = {};
      for (const section of sections) {
        if (!(section in all)) this.error(`${id.slice(1)}: ${language}.json has no "${section}"`);
        picked[section] = all[section];
      }
      // JSON.parse of a string literal parses faster than the same object as code.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(picked))});`;
    },
  };
}
