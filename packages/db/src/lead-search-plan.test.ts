import { type LeadFilterParams, type Scope, scopeFor } from '@mg/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { LEAD_QUERY_TUNING, listLeads } from './queries/leads';
import { leadHasSearchWords } from './queries/leads/search';
import { createTestDatabase } from './testing';

/**
 * The search plans' own rules (the oracle test checks their results against a plain scan):
 * the row check behind `lead_search_words`, FTS rowid bounds bound as integers, and which
 * words are asked of FTS by their first 3 letters.
 */

const names = [
  ...Array.from({ length: 12 }, (_, i) => `Kari${i % 2 ? '' : ' Marie'} Hansen`),
  'Hanne Berg',
  'Hans Hansemann',
  'Ola Hanssen',
  'Per Olsen',
];
let subsidiaryId = 0;

/**
 * A database of its own for each run: the connection keeps prepared statements by their
 * SQL, so only a fresh one shows every statement a search prepares.
 */
function fresh() {
  const handle = createTestDatabase();
  subsidiaryId = makeSubsidiary(handle.db, { name: 'Søk AS' });
  const project = { id: makeProject(handle.db, subsidiaryId), subsidiaryId };
  for (const [i, name] of names.entries())
    makeLead(handle.db, project, {
      name,
      email: `lead${i}@example.no`,
      createdAt: 1_700_000_000_000 + i,
    });
  return handle;
}
fresh();
const ALL = scopeFor({ role: 'admin', subsidiaryId: null });
const defaults = { ...LEAD_QUERY_TUNING };
afterEach(() => {
  Object.assign(LEAD_QUERY_TUNING, defaults);
});

/** The SQL of every statement listLeads prepares for this filter, and the names it returns. */
function run(scope: Scope, filter: LeadFilterParams) {
  const { db, sqlite } = fresh();
  const statements: string[] = [];
  const original = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    statements.push(source);
    return original(source);
  }) as typeof sqlite.prepare;
  try {
    const page = listLeads(db, { scope, filter: { limit: 100, ...filter } });
    return { statements, names: page.items.map((r) => r.name) };
  } finally {
    sqlite.prepare = original;
  }
}

describe('lead_search_words: the row check', () => {
  const words = (w: [string, boolean][]) =>
    JSON.stringify(w.map(([text, prefix]) => ({ text, prefix })));
  it('wants every word as the start of a token, in any personal field, case-insensitively', () => {
    const check = (w: [string, boolean][], ...fields: (string | null)[]) =>
      leadHasSearchWords(words(w), ...fields);
    expect(check([['hans', true]], 'Kari HANSEN', null, null, null)).toBe(true);
    expect(check([['ansen', true]], 'Kari Hansen', null, null, null)).toBe(false);
    expect(
      check(
        [
          ['hansen', true],
          ['gmail', true],
        ],
        'Kari Hansen',
        'k@gmail.com',
        null,
        null,
      ),
    ).toBe(true);
    expect(
      check(
        [
          ['hansen', true],
          ['gmail', true],
        ],
        'Kari Hansen',
        'k@online.no',
        null,
        null,
      ),
    ).toBe(false);
    expect(check([['ødeg', true]], 'Ingeborg Ødegård-Sæther', null, null, null)).toBe(true);
    // The phone also without its country code; a lone letter is a whole word only.
    expect(check([['912', true]], null, null, '+4791234567', null)).toBe(true);
    expect(check([['k', false]], 'K Hansen', null, null, null)).toBe(true);
    expect(check([['k', false]], 'Kari Hansen', null, null, null)).toBe(false);
    expect(check([['visning', true]], null, null, null, 'Ønsker visning')).toBe(true);
    expect(check([['x', true]], null, null, null, null)).toBe(false);
  });
});

describe('dense search by id ranges', () => {
  it('binds the FTS rowid bounds as integers (FTS5 seeks only on an INTEGER bound)', () => {
    Object.assign(LEAD_QUERY_TUNING, { sparseSearchMax: 0, denseChunkMin: 4 });
    for (const truncateWordsAbove of [2000, 0]) {
      LEAD_QUERY_TUNING.truncateWordsAbove = truncateWordsAbove;
      const { statements, names: found } = run(ALL, { search: 'hansen', sort: 'createdAt' });
      const ranged = statements.filter((s) => /leads_fts match/.test(s) && /rowid\s*[<>]=/.test(s));
      expect(ranged.length).toBeGreaterThan(0);
      for (const s of ranged) {
        expect(s).toMatch(/rowid >= cast\(\? as integer\) and rowid <= cast\(\? as integer\)/);
        expect(s).not.toMatch(/rowid\s*[<>]=\s*\?/);
      }
      expect(found).toHaveLength(12);
    }
  });
});

describe('long words asked of FTS by their first 3 letters', () => {
  it('cuts a word that is common as a whole word, and checks the rows for the whole word', () => {
    LEAD_QUERY_TUNING.truncateWordsAbove = 5;
    for (const sort of ['createdAt', 'name'] as const) {
      const { statements, names: found } = run(ALL, { search: 'hansen', sort, dir: 'asc' });
      expect(statements.some((s) => s.includes('lead_search_words'))).toBe(true);
      expect(statements.some((s) => /"hansen"\*/.test(s))).toBe(false);
      // "Hans Hansemann" and "Ola Hanssen" share the 3 letters, not the word.
      expect(found.sort()).toEqual(names.filter((n) => /Hansen/.test(n)).sort());
      expect(new Set(found).size).toBe(2);
    }
    // Within a subsidiary the word stays whole (checking rows there costs more than it saves).
    const inSubsidiary = run(scopeFor({ role: 'subsidiary_user', subsidiaryId: 1 }), {
      search: 'hansen',
    });
    expect(inSubsidiary.statements.some((s) => s.includes('lead_search_words'))).toBe(false);
    expect(inSubsidiary.names).toHaveLength(12);
  });

  it('keeps a rare word whole, and a common one when few leads match the search', () => {
    LEAD_QUERY_TUNING.truncateWordsAbove = 5;
    const rare = run(ALL, { search: 'hanne' });
    expect(rare.statements.some((s) => s.includes('lead_search_words'))).toBe(false);
    expect(rare.names).toEqual(['Hanne Berg']);
    // "hansen" is cut, but with "marie" beside it the search is a short id list.
    const both = run(ALL, { search: 'marie hansen', sort: 'createdAt', dir: 'desc' });
    expect(both.names).toEqual(names.filter((n) => /Marie/.test(n)).reverse());
  });

  it('decides a one-word search is dense from the whole word alone, without counting rows', () => {
    Object.assign(LEAD_QUERY_TUNING, { truncateWordsAbove: 5, sparseSearchMax: 5 });
    const { statements, names: found } = run(ALL, { search: 'hansen', sort: 'createdAt' });
    // No id list was read: the page comes from id ranges of the cut word, checked row by row.
    expect(statements.some((s) => /leads_fts cross join/.test(s))).toBe(false);
    expect(statements.some((s) => /cast\(\? as integer\)/.test(s))).toBe(true);
    expect(found).toHaveLength(12);
  });
});
