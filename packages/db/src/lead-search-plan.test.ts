import { type LeadFilterParams, type Scope, scopeFor } from '@mg/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { LEAD_QUERY_TUNING, listLeads, planSearch } from './queries/leads';
import { denseChunk, leadHasSearchWords } from './queries/leads/search';
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
  // "hansen" has no longer token here, so by default it is asked whole (below): these
  // tests ask every word as a prefix, as the 1M data's last names are (hansen0–hansen996).
  it('cuts a word that is common as a whole word, and checks the rows for the whole word', () => {
    Object.assign(LEAD_QUERY_TUNING, { truncateWordsAbove: 5, wholeWordsAlone: false });
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
    Object.assign(LEAD_QUERY_TUNING, { truncateWordsAbove: 5, wholeWordsAlone: false });
    const rare = run(ALL, { search: 'hanne' });
    expect(rare.statements.some((s) => s.includes('lead_search_words'))).toBe(false);
    expect(rare.names).toEqual(['Hanne Berg']);
    // "hansen" is cut, but with "marie" beside it the search is a short id list.
    const both = run(ALL, { search: 'marie hansen', sort: 'createdAt', dir: 'desc' });
    expect(both.names).toEqual(names.filter((n) => /Marie/.test(n)).reverse());
  });

  it('decides a one-word search is dense from the whole word alone, without counting rows', () => {
    Object.assign(LEAD_QUERY_TUNING, {
      truncateWordsAbove: 5,
      sparseSearchMax: 5,
      wholeWordsAlone: false,
    });
    const { statements, names: found } = run(ALL, { search: 'hansen', sort: 'createdAt' });
    // No id list was read: the page comes from id ranges of the cut word, checked row by row.
    expect(statements.some((s) => /leads_fts cross join/.test(s))).toBe(false);
    expect(statements.some((s) => /cast\(\? as integer\)/.test(s))).toBe(true);
    expect(found).toHaveLength(12);
  });
});

describe('a prefix that no longer token starts with is asked as its exact term', () => {
  const dense = (scope: Scope, search: string, db = fresh().db) => {
    const plan = db.transaction((tx) => planSearch(tx, scope, search));
    if (plan.kind !== 'dense') throw new Error(`${search}: ${plan.kind}`);
    return plan;
  };
  it('asks "hansen" whole while no token extends it, as a prefix once one does', () => {
    LEAD_QUERY_TUNING.sparseSearchMax = 0;
    expect(dense(ALL, 'hansen').match).toContain('("hansen")');
    // 3 letters and fewer are the prefix indexes' (and "hans" has longer tokens).
    expect(dense(ALL, 'han').match).toContain('"han"*');
    expect(dense(ALL, 'hans').match).toContain('"hans"*');
    const { db } = fresh();
    const project = { id: makeProject(db, subsidiaryId), subsidiaryId };
    makeLead(db, project, { name: 'Siri Hansenius', email: 'siri@example.no' });
    expect(dense(ALL, 'hansen', db).match).toContain('"hansen"*');
    const page = listLeads(db, { scope: ALL, filter: { search: 'hansen', limit: 100 } });
    expect(page.items.map((r) => r.name)).toContain('Siri Hansenius');
    expect(page.items).toHaveLength(13);
  });

  it('never cuts a common word that is asked whole (its exact term streams)', () => {
    LEAD_QUERY_TUNING.truncateWordsAbove = 5;
    for (const sort of ['createdAt', 'name', 'project'] as const) {
      const { statements, names: found } = run(ALL, { search: 'hansen', sort });
      expect(statements.some((s) => s.includes('lead_search_words'))).toBe(false);
      expect(found).toHaveLength(12);
    }
  });
});

describe('dense matches checked row by row in the project and assignee walks', () => {
  const planOf = (search: string) => {
    const { db } = fresh();
    return db.transaction((tx) => planSearch(tx, ALL, search));
  };
  it('checks rows only when the matches are dense among the oldest and the newest leads', () => {
    // The 12 Hansens are the oldest 12 of 16 leads; the newest 4 hold no "hansen".
    Object.assign(LEAD_QUERY_TUNING, {
      sparseSearchMax: 0,
      walkCheckDensity: 0.5,
      walkCheckSample: 2,
    });
    expect(planOf('hansen')).toMatchObject({ kind: 'dense' });
    expect(planOf('hansen')).not.toHaveProperty('check');
    // "hans": the Hansens, "Hans Hansemann" and "Ola Hanssen" (2 of the newest 4).
    expect(planOf('hans')).toMatchObject({ kind: 'dense', check: expect.any(String) });
    // The oldest end: "marie" is every other one of the first ids (4 of 7 in the first 4
    // matches), the newest 4 leads all.
    LEAD_QUERY_TUNING.sparseSearchMax = 3;
    const { db: marie } = fresh();
    const project = { id: makeProject(marie, subsidiaryId), subsidiaryId };
    for (let i = 0; i < 4; i++) makeLead(marie, project, { name: 'Kari Marie Olsen' });
    const plan = (density: number) => {
      LEAD_QUERY_TUNING.walkCheckDensity = density;
      return marie.transaction((tx) => planSearch(tx, ALL, 'marie'));
    };
    expect(plan(0.5)).toMatchObject({ kind: 'dense', check: expect.any(String) });
    expect(plan(0.6)).not.toHaveProperty('check');
    LEAD_QUERY_TUNING.sparseSearchMax = 0;
    // Within a subsidiary never (its matches are a set of that subsidiary's size).
    LEAD_QUERY_TUNING.walkCheckDensity = 0.5;
    const { db } = fresh();
    const scoped = db.transaction((tx) =>
      planSearch(tx, scopeFor({ role: 'subsidiary_user', subsidiaryId }), 'hans'),
    );
    expect(scoped).not.toHaveProperty('check');
  });

  it('walks the groups with the row check instead of the match set, same rows', () => {
    Object.assign(LEAD_QUERY_TUNING, {
      sparseSearchMax: 0,
      walkCheckDensity: 0.5,
      walkCheckSample: 2,
    });
    for (const sort of ['project', 'assignee'] as const) {
      const checked = run(ALL, { search: 'hans', sort });
      expect(checked.statements.some((s) => /lead_search_words/.test(s))).toBe(true);
      expect(checked.statements.some((s) => /in \(select rowid from leads_fts/.test(s))).toBe(
        false,
      );
      LEAD_QUERY_TUNING.walkCheckDensity = 2;
      const set = run(ALL, { search: 'hans', sort });
      expect(set.statements.some((s) => /lead_search_words/.test(s))).toBe(false);
      expect(checked.names).toEqual(set.names);
      expect(checked.names).toHaveLength(14);
      LEAD_QUERY_TUNING.walkCheckDensity = 0.5;
    }
  });
});

describe('a long prefix asked by its first 3 letters when they start the same tokens', () => {
  /** A database of its own with these names (e-mails that add no tokens of their own). */
  const withNames = (list: readonly string[]) => {
    const handle = createTestDatabase();
    const sub = makeSubsidiary(handle.db, { name: 'Prefiks AS' });
    const project = { id: makeProject(handle.db, sub), subsidiaryId: sub };
    for (const [i, name] of list.entries())
      makeLead(handle.db, project, { name, email: `lead${i}@example.no`, phone: '+4791234567' });
    return { db: handle.db, sub };
  };
  const base = ['Kari Pedersen', 'Ola Pedersen', 'Anne Berg', 'Siv Østbyen', 'Tor Østbyhagen'];
  // "pedersen12" extends "pedersen", so the word is a prefix, not asked whole.
  base.push('Per Pedersen12');

  const look = (list: readonly string[], search: string) => {
    const { db, sub } = withNames(list);
    const plan = db.transaction((tx) => planSearch(tx, ALL, search));
    const found = (scope: Scope) =>
      listLeads(db, { scope, filter: { search, sort: 'name', dir: 'asc', limit: 100 } })
        .items.map((r) => r.name)
        .sort();
    const inScope = found(scopeFor({ role: 'subsidiary_user', subsidiaryId: sub }));
    expect(found(ALL)).toEqual(inScope);
    return { plan, names: inScope };
  };
  const matchOf = (plan: ReturnType<typeof planSearch>) =>
    plan.kind === 'dense' ? plan.match : JSON.stringify(plan);

  it('asks "ped"* for "pedersen" while every ped… token starts with "pedersen"', () => {
    LEAD_QUERY_TUNING.sparseSearchMax = 0;
    const { plan, names: found } = look(base, 'pedersen');
    expect(matchOf(plan)).toContain('("ped"*)');
    expect(found).toEqual(['Kari Pedersen', 'Ola Pedersen', 'Per Pedersen12']);
    // Two letters and more: "østby" (two bytes for ø) stands as "øst"*.
    expect(matchOf(look(base, 'østby').plan)).toContain('("øst"*)');
    expect(look(base, 'østby').names).toEqual(['Siv Østbyen', 'Tor Østbyhagen']);
    // Switched off, the word is asked as typed.
    LEAD_QUERY_TUNING.sameSetPrefixes = false;
    expect(matchOf(look(base, 'pedersen').plan)).toContain('("pedersen"*)');
  });

  it('keeps the word when a token under its 3 letters sorts before or after its own', () => {
    LEAD_QUERY_TUNING.sparseSearchMax = 0;
    for (const other of ['Liv Pedal', 'Liv Pedro', 'Liv Ped']) {
      const { plan, names: found } = look([...base, other], 'pedersen');
      expect(matchOf(plan)).toContain('("pedersen"*)');
      expect(found).toEqual(['Kari Pedersen', 'Ola Pedersen', 'Per Pedersen12']);
    }
    const { plan, names: found } = look([...base, 'Eva Østre'], 'østby');
    expect(matchOf(plan)).toContain('("østby"*)');
    expect(found).toEqual(['Siv Østbyen', 'Tor Østbyhagen']);
  });

  it('gives the same rows by an id list and in a two-word search', () => {
    const { plan, names: found } = look([...base, 'Kari Berg'], 'kari pedersen');
    expect(plan.kind).toBe('ids');
    expect(found).toEqual(['Kari Pedersen']);
  });
});

describe('a search dense over all leads is planned dense in a subsidiary from two probes', () => {
  const SUB = () => scopeFor({ role: 'subsidiary_user', subsidiaryId });
  const plan = (search: string) => {
    const { db } = fresh();
    return db.transaction((tx) => planSearch(tx, SUB(), search));
  };
  it('reads no scoped matches when both ends of the ids are dense with the word', () => {
    // The 12 Hansens are ids 1–12 of 16: every one of the oldest 4, and 4 above id 16 - 8.
    Object.assign(LEAD_QUERY_TUNING, { sparseSearchMax: 1000, densityProbe: 4, probeDensity: 0.5 });
    expect(plan('hansen')).toEqual({ kind: 'dense', match: expect.any(String), density: 1 });
    const { names: found } = run(SUB(), { search: 'hansen', sort: 'createdAt' });
    expect(found).toHaveLength(12);
    // "marie": ids 1, 3, …, 11, dense among the oldest, only 2 above id 8: counted in scope.
    expect(plan('marie')).toMatchObject({ kind: 'ids' });
    // "hans"* (Hansen, Hansemann, Hanssen) is as dense, but a 4-letter prefix that FTS5
    // merges whole: no probe, counted in scope.
    expect(plan('hans')).toMatchObject({ kind: 'ids' });
    LEAD_QUERY_TUNING.sparseSearchMax = 0;
    expect(plan('hans')).not.toHaveProperty('density');
    LEAD_QUERY_TUNING.sparseSearchMax = 1000;
    // Switched off, the Hansens are counted in scope too (an id list under 1000).
    LEAD_QUERY_TUNING.densityProbe = 0;
    expect(plan('hansen')).toMatchObject({ kind: 'ids' });
    expect(run(SUB(), { search: 'hansen', sort: 'createdAt' }).names).toEqual(found);
  });

  it('sizes a dense walk’s chunks by the density', () => {
    expect(denseChunk(51, undefined)).toBe(4000);
    expect(denseChunk(51, 0.25)).toBe(612);
    expect(denseChunk(51, 0.9)).toBe(408);
    expect(denseChunk(51, 0.001)).toBe(4000);
    LEAD_QUERY_TUNING.chunkByDensity = false;
    expect(denseChunk(51, 0.25)).toBe(4000);
  });
});
