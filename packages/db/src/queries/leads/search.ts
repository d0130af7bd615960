import type { Scope } from '@mg/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../client';
import { leads } from '../../schema';

/** A digits-only search (a phone number typed with spaces, dashes or +) is one term. */
const PHONE_LIKE = /^[\d\s+()./-]+$/;

/**
 * Turn what a person typed into a safe FTS5 expression: every word becomes a quoted prefix
 * term, all of them required. No FTS syntax from the input survives. A phone number typed
 * as "912 34 567" or "+47 912 34 567" becomes the one term its digits make. One-letter words
 * are left out when longer ones are there: "ola h" means Ola, not everyone with an h-word;
 * alone, a letter matches only that one-letter word. Prefixes start at two letters.
 */
export function toFtsQuery(input: string): string | null {
  const digits = input.replace(/\D/g, '');
  if (PHONE_LIKE.test(input) && digits.length >= 3) return `"${digits}"*`;
  const words = input.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  const long = words.filter((w) => [...w].length > 1);
  // A lone letter matches itself as a word (an initial), not every word it starts.
  if (long.length === 0) return words.map((w) => `"${w}"`).join(' ');
  return long.map((w) => `"${w}"*`).join(' ');
}

/**
 * The full FTS5 match: the typed words over the four personal columns only, and for a
 * subsidiary user their subsidiary's scope token (see migration 0004), so FTS intersects the
 * search with the scope before a single lead row is read.
 */
export function leadSearchMatch(scope: Scope, search: string): string | null {
  const words = toFtsQuery(search);
  if (!words) return null;
  const personal = `{name email phone message} : (${words})`;
  return scope.kind === 'all' ? personal : `scope : "s${scope.subsidiaryId}" AND ${personal}`;
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
   * FTS only for the matches in their id range. One FTS call costs about as much whatever
   * the range (FTS5 reads the term's doclist), so the first chunk is large enough to fill a
   * page at a density of 1-2 %.
   */
  denseChunkMin: 4000,
  /** ...while the chunk's id range is at most this many times the chunk (ids follow created
   * time, so createdAt order keeps it tight; a name order does not). */
  denseSpanFactor: 64,
  /** Candidates read that way before falling back to the full match set: one chunk. */
  denseScanBudget: 4000,
};

/**
 * How a search joins the rest of the query, decided by how many leads match:
 *  - few (a name, an e-mail, a phone number): fetch their ids from FTS and read only those
 *    leads, then sort them;
 *  - many (a two-letter prefix): walk the sort index and keep the rows in the match set,
 *    which FTS builds once (the unary + keeps SQLite from driving the query by that set).
 */
export type SearchPlan =
  | { kind: 'none' }
  | { kind: 'ids'; ids: number[] }
  | { kind: 'dense'; match: string };

export function planSearch(conn: Conn, scope: Scope, search: string | undefined): SearchPlan {
  const match = search ? leadSearchMatch(scope, search) : null;
  if (!match) return { kind: 'none' };
  const rows = conn.all<{ id: number }>(
    sql`select rowid as id from leads_fts where leads_fts match ${match} limit ${LEAD_QUERY_TUNING.sparseSearchMax + 1}`,
  );
  if (rows.length <= LEAD_QUERY_TUNING.sparseSearchMax)
    return { kind: 'ids', ids: rows.map((r) => r.id) };
  return { kind: 'dense', match };
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
      return sql`+${leads.id} in (select rowid from leads_fts where leads_fts match ${plan.match})`;
  }
}
