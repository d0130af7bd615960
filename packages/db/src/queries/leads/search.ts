import type { Scope } from '@mg/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../client';
import { leads } from '../../schema';

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
  | { kind: 'dense'; match: string; rows?: { match: string; words: string } };

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
): { words: SearchWord[]; dense: boolean } | null {
  let changed = false;
  let dense = false;
  const { truncateWordsAbove, sparseSearchMax } = LEAD_QUERY_TUNING;
  const out = words.map((w) => {
    const letters = [...w.text];
    if (!w.prefix || letters.length <= 3) return w;
    const probe = Math.max(truncateWordsAbove, sparseSearchMax) + 1;
    // Over all leads, not the scope: FTS5 merges the prefix's doclists over every lead before
    // it intersects them with the scope token.
    const exact = conn.all(
      sql`select rowid from leads_fts where leads_fts match ${matchFor(null, [{ text: w.text, prefix: false }])} limit ${probe}`,
    ).length;
    if (exact <= truncateWordsAbove) return w;
    changed = true;
    if (exact > sparseSearchMax && !dense) {
      // In a subsidiary, the word itself must be that common there (two exact terms: cheap).
      const subsidiaryId = scopeSubsidiary(scope);
      dense =
        subsidiaryId === null ||
        conn.all(
          sql`select rowid from leads_fts where leads_fts match ${matchFor(subsidiaryId, [{ text: w.text, prefix: false }])} limit ${sparseSearchMax + 1}`,
        ).length > sparseSearchMax;
    }
    return { text: letters.slice(0, 3).join(''), prefix: true };
  });
  return changed ? { words: out, dense } : null;
}

export function planSearch(conn: Conn, scope: Scope, search: string | undefined): SearchPlan {
  const parsed = search ? searchWords(search) : null;
  if (!parsed) return { kind: 'none' };
  const match = matchFor(scopeSubsidiary(scope), parsed.words);
  const max = LEAD_QUERY_TUNING.sparseSearchMax;
  // Over all subsidiaries only: in one, the rows to check are spread one per page over the
  // file, and checking them cost more than the merge saved (measured at 1M).
  const wide = parsed.phone || scope.kind !== 'all' ? null : widened(conn, scope, parsed.words);
  if (wide) {
    const rows = {
      match: matchFor(scopeSubsidiary(scope), wide.words),
      words: JSON.stringify(parsed.words),
    };
    // One word, whole in more leads than an id list holds: every one of them matches.
    if (wide.dense && parsed.words.length === 1) return { kind: 'dense', match, rows };
    const found = conn.all<{ id: number }>(
      sql`select ${leads.id} as id from leads_fts cross join ${leads} on ${leads.id} = leads_fts.rowid
          where leads_fts match ${rows.match} and ${hasWords(rows.words)} limit ${max + 1}`,
    );
    if (found.length <= max) return { kind: 'ids', ids: found.map((r) => r.id) };
    return { kind: 'dense', match, rows };
  }
  const found = conn.all<{ id: number }>(
    sql`select rowid as id from leads_fts where leads_fts match ${match} limit ${max + 1}`,
  );
  if (found.length <= max) return { kind: 'ids', ids: found.map((r) => r.id) };
  return { kind: 'dense', match };
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
  const rows = conn.all<{ id: number }>(
    sql`select rowid as id from leads_fts where leads_fts match ${plan.rows?.match ?? plan.match}
        and rowid >= cast(${lo} as integer) and rowid <= cast(${hi} as integer)`,
  );
  const hits = new Set(rows.map((r) => r.id));
  const found = candidates.filter((c) => hits.has(c.id));
  const check = plan.rows;
  if (!check) return found.slice(0, need);
  const out: T[] = [];
  const batch = Math.max(64, need * 2);
  for (let i = 0; i < found.length && out.length < need; i += batch) {
    const part = found.slice(i, i + batch);
    const ok = new Set(
      conn
        .all<{ id: number }>(
          sql`select ${leads.id} as id from ${leads}
              where ${leads.id} in (select value from json_each(${JSON.stringify(part.map((c) => c.id))}))
              and ${hasWords(check.words)}`,
        )
        .map((r) => r.id),
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
