import type { Scope } from '@mg/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../client';
import { leads } from '../../schema';
import { countOf, idsOf } from './row-lists';

/** A digits-only search (a phone number typed with spaces, dashes or +) is one term. */
const PHONE_LIKE = /^[\d\s+()./-]+$/;

/** One typed word: matches a token that starts with it (`prefix`) or equals it. */
export interface SearchWord {
  text: string;
  prefix: boolean;
}

/**
 * What a person typed, as the words every match must have. A phone number typed as
 * "912 34 567" or "+47 912 34 567" is the one prefix its digits make. One-letter words are
 * left out when longer ones are there: "ola h" means Ola, not everyone with an h-word;
 * alone, a letter matches only that one-letter word. Prefixes start at two letters.
 */
export function searchWords(input: string): { words: SearchWord[]; phone: boolean } | null {
  const digits = input.replace(/\D/g, '');
  if (PHONE_LIKE.test(input) && digits.length >= 3)
    return { words: [{ text: digits, prefix: true }], phone: true };
  const words = input.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  const long = words.filter((w) => [...w].length > 1);
  // A lone letter matches itself as a word (an initial), not every word it starts.
  if (long.length === 0)
    return { words: words.map((text) => ({ text, prefix: false })), phone: false };
  return { words: long.map((text) => ({ text, prefix: true })), phone: false };
}

const ftsTerm = (w: SearchWord) => (w.prefix ? `"${w.text}"*` : `"${w.text}"`);

/**
 * Turn what a person typed into a safe FTS5 expression: every word becomes a quoted prefix
 * term, all of them required. No FTS syntax from the input survives (the words are letters
 * and digits only).
 */
export function toFtsQuery(input: string): string | null {
  const parsed = searchWords(input);
  return parsed ? parsed.words.map(ftsTerm).join(' ') : null;
}

/**
 * The test behind the SQL function `lead_search_words(words, name, email, phone, message)`
 * (registered by `openDatabase`): does the lead hold every word, by the rules the full-text
 * index applies (lower case, letters and digits make a token, the phone also without its
 * country code)? Used only on rows a full-text query already found (see `planSearch`).
 */
let parsedWords: { json: string; words: SearchWord[] } = { json: '[]', words: [] };

export function leadHasSearchWords(wordsJson: string, ...fields: (string | null)[]): boolean {
  // One query checks many rows with the same words: parse them once.
  if (wordsJson !== parsedWords.json)
    parsedWords = { json: wordsJson, words: JSON.parse(wordsJson) as SearchWord[] };
  const { words } = parsedWords;
  const [name, email, phone, message] = fields;
  const text = [name, email, phone, phone?.slice(3), message]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .join(' ')
    .toLowerCase();
  // A token that starts with (or is) the word holds it as a substring: most rows a walk
  // checks (search-sorted.ts) fail here, without the tokenising below (~20 µs a row at 1M).
  if (words.length === 0) return true; // nothing typed holds for every row, as in the oracle
  if (!words.every((w) => text.includes(w.text))) return false;
  const tokens = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.every((w) => tokens.some((t) => (w.prefix ? t.startsWith(w.text) : t === w.text)));
}

/** The FTS5 match for these words, limited to the personal columns and, for a subsidiary user, to their scope. */
function matchFor(subsidiaryId: number | null, words: readonly SearchWord[]): string {
  const personal = `{name email phone message} : (${words.map(ftsTerm).join(' ')})`;
  return subsidiaryId === null ? personal : `scope : "s${subsidiaryId}" AND ${personal}`;
}
const scopeSubsidiary = (scope: Scope) => (scope.kind === 'all' ? null : scope.subsidiaryId);

/**
 * The full FTS5 match: the typed words over the four personal columns only, and for a
 * subsidiary user their subsidiary's scope token (see migration 0004), so FTS intersects the
 * search with the scope before a single lead row is read.
 */
export function leadSearchMatch(scope: Scope, search: string): string | null {
  const parsed = searchWords(search);
  return parsed ? matchFor(scopeSubsidiary(scope), parsed.words) : null;
}

/**
 * The query layer's thresholds. Exported so the oracle test can force every plan; nothing
 * else should change them.
 */
export const LEAD_QUERY_TUNING = {
  /** Up to this many matches, a search drives the query from its list of ids. */
  sparseSearchMax: 2000,
  /**
   * A dense search reads candidates in sort order, at least this many at a time, and asks
   * FTS only for the matches in their id range. The first chunk is large enough to fill a
   * page at a density of 1-2 %.
   */
  denseChunkMin: 4000,
  /** ...while the chunk's id range is at most this many times the chunk (ids follow created
   * time, so createdAt order keeps it tight; a name order does not). */
  denseSpanFactor: 64,
  /** Candidates read that way before falling back to the full match set: one chunk. */
  denseScanBudget: 4000,
  /**
   * A typed word longer than the 3-letter prefix index whose exact word is in more than
   * this many leads is asked of FTS by its first 3 letters, and the rows found are checked
   * for the whole word (`lead_search_words`). FTS5 answers a prefix longer than its prefix
   * indexes by merging the doclists of every word that starts with it into one list, all of
   * it, whatever the LIMIT or rowid range: at 1M leads "hansen"* (the name plus ~1000
   * e-mail words hansen0–hansen996) took 20–45 ms and "gmail"* (190k leads) 40–80 ms, each
   * time it was asked, where the 3-letter prefix streams only what the page reads. A rare
   * word keeps its own prefix: its merge is small, and its 3 letters could be common.
   */
  truncateWordsAbove: 2000,
  /**
   * A dense search sorted by name or e-mail (search-sorted.ts): when at most this many of its
   * matches lie outside the sort-key buckets its words point at, the page is those rows
   * merged with a walk of those buckets alone.
   */
  outsideBucketsMax: 2000,
  /**
   * ...and its walks check at most this many rows for the words (each check reads the lead
   * row, ~2–20 µs) before the page falls back to the walk against the full match set.
   */
  sortedCheckBudget: 1500,
  /**
   * A dense search sorted by name or e-mail whose matches are spread over the order reads
   * this many 2-byte buckets (each the search AND its token in FTS) before the rest of the
   * page walks against the full match set.
   */
  spreadBuckets: 4,
  /**
   * A dense search sorted by name or e-mail also reads where this many of its first matches
   * sort (search-sorted.ts `sampledBuckets`; 0: not)...
   */
  bucketSample: 64,
  /** ...and walks those buckets when at most this many hold nine in ten of them. */
  sampledBucketsMax: 3,
  /**
   * A pointed-at bucket whose walk ran out of budget takes its matches from FTS (the search
   * AND its token) when they are at most this many (~0.3–1 µs each); else the page falls back
   * to the walk against the full match set (0: always).
   */
  bucketHitsMax: 30_000,
  /**
   * A dense search whose matches are at least this share of the leads at both ends of the
   * id range is checked row by row in the project and assignee walks (`searchWalkCondition`).
   * At 1M a set costs ~0.3 µs a match to build, a check ~5 µs a row passed: the check wins
   * when density² > ~15 × page / leads, ~2 % for 50 rows; 5 % leaves a margin for the
   * estimate (> 1: never).
   */
  walkCheckDensity: 0.05,
  /** ...judged among the newest ids by this many matches (tests make it small). */
  walkCheckSample: 256,
  /**
   * Within a subsidiary, a search whose matches over all leads are at least `probeDensity`
   * of the ids among the first `densityProbe` of them and among the newest is planned dense
   * without counting its matches in scope (0: always counted).
   */
  densityProbe: 128,
  probeDensity: 0.05,
  /** false: a dense walk reads `denseChunkMin` candidates at a time whatever the density. */
  chunkByDensity: true as boolean,
  /** false: ask every word as a prefix, as before migration 0024 (the oracle test compares). */
  wholeWordsAlone: true as boolean,
  /**
   * false: a long prefix is never asked by its first 3 letters when those start the same
   * tokens (`sameSetPrefix`; the oracle test compares).
   */
  sameSetPrefixes: true as boolean,
};

/**
 * How a search joins the rest of the query, decided by how many leads match:
 *  - few (a name, an e-mail, a phone number): fetch their ids from FTS and read only those
 *    leads, then sort them;
 *  - many (a two-letter prefix): walk the sort index and keep the rows in the match set,
 *    which FTS builds once (the unary + keeps SQLite from driving the query by that set).
 * `match` is the exact FTS5 match (counts use it); a dense plan may instead find its rows by
 * `rows`: a wider match (common long words cut to 3 letters) plus the check of the words.
 */
export type SearchPlan =
  | { kind: 'none' }
  | { kind: 'ids'; ids: number[] }
  | {
      kind: 'dense';
      match: string;
      rows?: { match: string; words: string };
      /**
       * The typed words (JSON for `lead_search_words`) when the matches are so dense that a
       * walk in an order unrelated to the text checks each row it passes instead of building
       * the whole match set first (see `searchWalkCondition`).
       */
      check?: string;
      /** The matches' share of the leads, estimated (sizes the walk's chunks). */
      density?: number;
    };

/** The SQL test of the typed words on a lead row (see `leadHasSearchWords`). */
export const hasWords = (words: string) =>
  sql`lead_search_words(${words}, ${leads.name}, ${leads.email}, ${leads.phone}, ${leads.message})`;

/**
 * Long words that are common as whole words, cut to their first 3 letters (see tuning); null
 * when no word is. `dense`: one of them, whole, is in more leads in scope than an id list
 * holds, so a one-word search is dense without counting.
 */
function widened(
  conn: Conn,
  scope: Scope,
  words: SearchWord[],
): {
  words: SearchWord[];
  dense: boolean;
  exact?: { match: string; found: number[] };
} | null {
  let changed = false;
  let dense = false;
  let exactOfDense: { match: string; found: number[] } | undefined;
  const { truncateWordsAbove, sparseSearchMax } = LEAD_QUERY_TUNING;
  const out = words.map((w) => {
    const letters = [...w.text];
    if (!w.prefix || letters.length <= 3) return w;
    const probe = Math.max(truncateWordsAbove, sparseSearchMax) + 1;
    // Over all leads, not the scope: FTS5 merges the prefix's doclists over every lead before
    // it intersects them with the scope token.
    const exactMatch = matchFor(null, [{ text: w.text, prefix: false }]);
    const exactFound = idsOf(
      conn,
      sql`select rowid as id from leads_fts where leads_fts match ${exactMatch} limit ${probe}`,
    );
    const exact = exactFound.length;
    if (exact <= truncateWordsAbove) return w;
    changed = true;
    if (exact > sparseSearchMax && !dense) {
      // In a subsidiary, the word itself must be that common there (two exact terms: cheap).
      const subsidiaryId = scopeSubsidiary(scope);
      dense =
        subsidiaryId === null ||
        countOf(
          conn,
          sql`select rowid from leads_fts where leads_fts match ${matchFor(subsidiaryId, [{ text: w.text, prefix: false }])} limit ${sparseSearchMax + 1}`,
        ) > sparseSearchMax;
      if (dense) exactOfDense = { match: exactMatch, found: exactFound };
    }
    return { text: letters.slice(0, 3).join(''), prefix: true };
  });
  return changed ? { words: out, dense, ...(exactOfDense ? { exact: exactOfDense } : {}) } : null;
}

/**
 * Does the full-text index hold a token longer than `word` that starts with it? One seek in
 * the index's term list (`leads_fts_vocab`, migration 0024; its first instance only, ~0.05 ms):
 * every character a token can continue with is a letter or digit, so at least '0' in byte
 * order, and below any byte 0xff.
 */
export function hasLongerTerms(conn: Conn, word: string): boolean {
  const from = `${word}0`;
  const below = Buffer.concat([Buffer.from(word, 'utf8'), Buffer.from([0xff])]);
  return (
    conn.all(
      sql`select term from leads_fts_vocab where term >= ${from} and term < cast(${below} as text) limit 1`,
    ).length > 0
  );
}

/**
 * The words as FTS is asked for them: a prefix that no longer token starts with is its exact
 * term, the same set at this snapshot (the query runs in the page's transaction). FTS5 answers
 * a prefix longer than its prefix indexes (2, 3) by merging the doclists of every term that
 * starts with it into one list, all of it, before the first row: 1–10 ms for one common
 * term at 1M, and it made `widened` cut such a word to 3 letters ("solveig" → "sol"*, then
 * every Solberg checked and, sorted by e-mail, a 160 ms walk). The exact term streams.
 * A prefix that longer tokens do start is asked by its first 3 letters when those start no
 * other token (`sameSetPrefix`): the same set again, streamed from the 3-letter prefix index.
 */
export function wholeWhereAlone(conn: Conn, words: readonly SearchWord[]): SearchWord[] {
  if (LEAD_QUERY_TUNING.wholeWordsAlone === false) return [...words];
  return words.map((w) => {
    if (!w.prefix || [...w.text].length <= 3) return w;
    if (!hasLongerTerms(conn, w.text)) return { text: w.text, prefix: false };
    const short = LEAD_QUERY_TUNING.sameSetPrefixes ? sameSetPrefix(conn, w.text) : null;
    return short ? { text: short, prefix: true } : w;
  });
}

/** The first term of the index in [from, below), or null (one seek in `leads_fts_vocab`). */
function firstTerm(conn: Conn, from: Buffer, below: Buffer): string | null {
  return (
    conn.get<{ term: string } | undefined>(
      sql`select term from leads_fts_vocab where term >= cast(${from} as text)
          and term < cast(${below} as text) limit 1`,
    )?.term ?? null
  );
}

/**
 * The word's first 3 letters when they stand for exactly the same tokens: every token in the
 * index that starts with them also starts with the word; else null. Two seeks in the term
 * list (~0.1 ms): the first token from the 3 letters on must start with the word, and none
 * may follow the word's own tokens under the 3 letters. Then "ped"* is the same set as
 * "pedersen"* at this snapshot (the page's transaction), and FTS5 streams it from its 3-letter
 * prefix index, where it merged the doclists of pedersen and its ~1 000 e-mail words
 * (pedersen0–pedersen996) into one list first, all of it: at 1M leads 8–10 ms a query
 * against ~2 ms ("erik"*, "holm"*, "pedersen"* in a subsidiary: 13–20 ms per page).
 * The term list holds every column's tokens (the scope and sort-key tokens too), so a token
 * of those under the 3 letters only makes the answer null, never wrong.
 */
export function sameSetPrefix(conn: Conn, word: string): string | null {
  const cut = [...word].slice(0, 3).join('');
  const ff = Buffer.from([0xff]);
  const cutBytes = Buffer.from(cut, 'utf8');
  const wordBytes = Buffer.from(word, 'utf8');
  const belowCut = Buffer.concat([cutBytes, ff]);
  const first = firstTerm(conn, cutBytes, belowCut);
  if (first === null) return null;
  const firstBytes = Buffer.from(first, 'utf8');
  if (!firstBytes.subarray(0, wordBytes.length).equals(wordBytes)) return null;
  // A word's tokens are one stretch of the order (up to the word's bytes then 0xff).
  return firstTerm(conn, Buffer.concat([wordBytes, ff]), belowCut) === null ? cut : null;
}

export function planSearch(conn: Conn, scope: Scope, search: string | undefined): SearchPlan {
  const parsed = search ? searchWords(search) : null;
  if (!parsed) return { kind: 'none' };
  const asked = wholeWhereAlone(conn, parsed.words);
  const match = matchFor(scopeSubsidiary(scope), asked);
  const max = LEAD_QUERY_TUNING.sparseSearchMax;
  // Over all subsidiaries only: in one, the rows to check are spread one per page over the
  // file, and checking them cost more than the merge saved (measured at 1M). A word asked
  // whole is never cut (its exact term streams).
  const wide = parsed.phone || scope.kind !== 'all' ? null : widened(conn, scope, asked);
  if (wide) {
    const rows = {
      match: matchFor(scopeSubsidiary(scope), wide.words),
      words: JSON.stringify(parsed.words),
    };
    // One word, whole in more leads than an id list holds: every one of them matches.
    if (wide.dense && parsed.words.length === 1) {
      // The whole word's leads are a subset of the matches: dense everywhere, so are they.
      const dense = wide.exact && denseEverywhere(conn, wide.exact.match, wide.exact.found);
      return dense
        ? { kind: 'dense', match, rows, check: rows.words }
        : { kind: 'dense', match, rows };
    }
    const found = idsOf(
      conn,
      sql`select ${leads.id} as id from leads_fts cross join ${leads} on ${leads.id} = leads_fts.rowid
          where leads_fts match ${rows.match} and ${hasWords(rows.words)} limit ${max + 1}`,
    );
    if (found.length <= max) return { kind: 'ids', ids: found };
    return { kind: 'dense', match, rows };
  }
  // Within a subsidiary, a search dense at both ends of all the leads is taken for dense
  // there too, without reading its first 2 001 matches in scope (the scope token AND the
  // words: 5–8 ms at 1M for "pe"*, where the probes read ~2 × 128). Not when a word is a
  // prefix longer than the prefix indexes: FTS5 merges all of it before the first row, so a
  // probe would pay that merge once more ("larsen"*: 8 ms for 128 rows).
  const probed =
    scope.kind === 'all' || asked.some((w) => w.prefix && [...w.text].length > 3)
      ? null
      : denseByProbe(conn, matchFor(null, asked));
  if (probed !== null) return { kind: 'dense', match, density: probed };
  const found = idsOf(
    conn,
    sql`select rowid as id from leads_fts where leads_fts match ${match} limit ${max + 1}`,
  );
  if (found.length <= max) return { kind: 'ids', ids: found };
  if (scope.kind !== 'all') return { kind: 'dense', match };
  // The span is of all leads' ids: a share of the candidates only over all subsidiaries.
  const density = spanDensity(found);
  return denseEverywhere(conn, match, found)
    ? { kind: 'dense', match, check: JSON.stringify(parsed.words), density }
    : { kind: 'dense', match, density };
}

/** Matches per id over the span of these (the first ones FTS gave, in rowid order). */
function spanDensity(found: readonly number[]): number {
  const lo = found[0];
  const hi = found.at(-1);
  return lo === undefined || hi === undefined ? 0 : found.length / (hi - lo + 1);
}

/**
 * The share of the leads the match holds, when at least `probeDensity` among the oldest
 * ids (its first `densityProbe` matches) and among the newest (as many matches in the id
 * span that density would put them in); else null. Over all leads: unscoped, FTS streams
 * the words alone. Only an estimate for the plan's choice: a dense plan is exact at any
 * density (a wrong guess costs time, never rows).
 */
function denseByProbe(conn: Conn, match: string): number | null {
  const { densityProbe, probeDensity } = LEAD_QUERY_TUNING;
  if (!(densityProbe > 0 && probeDensity > 0 && probeDensity <= 1)) return null;
  const oldest = idsOf(
    conn,
    sql`select rowid as id from leads_fts where leads_fts match ${match} limit ${densityProbe}`,
  );
  const density = spanDensity(oldest);
  if (oldest.length < densityProbe || density < probeDensity) return null;
  const top =
    conn.get<{ n: number | null }>(sql`select max(${leads.id}) as n from ${leads}`).n ?? 0;
  const span = Math.ceil(densityProbe / probeDensity);
  // Integer bound: FTS5 seeks its doclists only to an INTEGER rowid bound (see below).
  const newest = conn.get<{ n: number }>(
    sql`select count(*) as n from (select rowid from leads_fts where leads_fts match ${match}
        and rowid > cast(${top - span} as integer) limit ${densityProbe})`,
  ).n;
  return newest >= densityProbe ? density : null;
}

/**
 * How many candidates a dense walk in id-related order (created, last activity, status)
 * reads at a time: enough for the page three times over at the plan's density, between
 * 8 pages' worth and `denseChunkMin` (without a density, `denseChunkMin`). Each candidate is
 * an index entry read (~0.5–1 µs at 1M): "pe"* (~15 % of the leads) read 4 000 for 51 rows.
 */
export function denseChunk(need: number, density: number | undefined): number {
  const { denseChunkMin } = LEAD_QUERY_TUNING;
  const floor = need * 8;
  if (!LEAD_QUERY_TUNING.chunkByDensity || !density || !(density > 0))
    return Math.max(denseChunkMin, floor);
  return Math.max(floor, Math.min(denseChunkMin, Math.ceil((3 * need) / density)));
}

/**
 * Are the matches at least `walkCheckDensity` of the leads, among the oldest ids (the first
 * matches FTS gave, in rowid order) and among the newest (a count up to `walkCheckSample` in
 * the id span where that density would put as many)? Two ends, so a word common only in old leads (a
 * campaign's message) does not pass for dense everywhere.
 */
function denseEverywhere(conn: Conn, match: string, found: readonly number[]): boolean {
  const { walkCheckDensity } = LEAD_QUERY_TUNING;
  const lo = found[0];
  const hi = found.at(-1);
  if (lo === undefined || hi === undefined || !(walkCheckDensity > 0 && walkCheckDensity <= 1))
    return false;
  if (found.length / (hi - lo + 1) < walkCheckDensity) return false;
  const top =
    conn.get<{ n: number | null }>(sql`select max(${leads.id}) as n from ${leads}`).n ?? 0;
  const want = LEAD_QUERY_TUNING.walkCheckSample;
  const span = Math.ceil(want / walkCheckDensity);
  // Integer bound: FTS5 seeks its doclists only to an INTEGER rowid bound (see below).
  const newest = conn.get<{ n: number }>(
    sql`select count(*) as n from (select rowid from leads_fts where leads_fts match ${match}
        and rowid > cast(${top - span} as integer) limit ${want})`,
  ).n;
  return newest >= want;
}

/**
 * The search as a condition of a walk in an order the text does not decide (the project and
 * assignee walks: the groups' names, then received time). For matches denser than
 * `walkCheckDensity` everywhere, each row the walk passes is checked for the words
 * (`lead_search_words`, the index's own rules; a row read, ~2–10 µs) instead of building the
 * match set first: "no" (Nora, online.no) is ~25 % of the leads at 1M, its set 250k ids, 60–70
 * ms CPU before the first row; the walk checks ~200 rows. Never for name or e-mail order (a
 * text's matches cluster there: "ærle" by name is 700k rows down).
 */
export function searchWalkCondition(plan: SearchPlan): SQL | undefined {
  return plan.kind === 'dense' && plan.check ? hasWords(plan.check) : searchCondition(plan);
}

/**
 * The first `need` candidates (in their order, ids within [lo, hi]) that a dense search
 * finds. The bounds are cast to integers in SQL: better-sqlite3 binds every JS number as a
 * REAL, and FTS5 seeks its doclists to a rowid bound only when the bound is an INTEGER; with
 * a REAL it reads the whole doclist and tests each rowid (measured at 1M leads: "ol"* over a
 * 4000-id range, ~1 ms cast, 45–100 ms not). With cut words, the rows FTS finds are checked
 * a batch at a time, only as many as the page still needs (each check reads a lead row).
 */
export function searchHitsInOrder<T extends { id: number }>(
  conn: Conn,
  plan: Extract<SearchPlan, { kind: 'dense' }>,
  { candidates, lo, hi, need }: { candidates: readonly T[]; lo: number; hi: number; need: number },
): T[] {
  const hits = new Set(
    idsOf(
      conn,
      sql`select rowid as id from leads_fts where leads_fts match ${plan.rows?.match ?? plan.match}
          and rowid >= cast(${lo} as integer) and rowid <= cast(${hi} as integer)`,
    ),
  );
  const found = candidates.filter((c) => hits.has(c.id));
  const check = plan.rows;
  if (!check) return found.slice(0, need);
  const out: T[] = [];
  const batch = Math.max(64, need * 2);
  for (let i = 0; i < found.length && out.length < need; i += batch) {
    const part = found.slice(i, i + batch);
    const ok = new Set(
      idsOf(
        conn,
        sql`select ${leads.id} as id from ${leads}
            where ${leads.id} in (select value from json_each(${JSON.stringify(part.map((c) => c.id))}))
            and ${hasWords(check.words)}`,
      ),
    );
    for (const c of part) {
      if (out.length >= need) break;
      if (ok.has(c.id)) out.push(c);
    }
  }
  return out;
}

export function searchCondition(plan: SearchPlan): SQL | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'ids':
      return plan.ids.length === 0
        ? sql`0`
        : sql`${leads.id} in (select value from json_each(${JSON.stringify(plan.ids)}))`;
    case 'dense':
      // The exact match, one merge: a walk of the name index against the cut words would
      // check every row of the wider set it passes (each a read of the lead row).
      return sql`+${leads.id} in (select rowid from leads_fts where leads_fts match ${plan.match})`;
  }
}
