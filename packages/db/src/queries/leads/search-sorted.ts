import { emailSortKey, type LeadCursor, nameSortKey, type SortDirection } from '@mg/shared';
import { and, asc, desc, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Conn } from '../../client';
import { leads } from '../../schema';
import type { Term } from './grid-plan';
import { idsOf, walkChunk } from './row-lists';
import {
  hasWords,
  LEAD_QUERY_TUNING,
  type SearchPlan,
  searchCondition,
  searchWords,
} from './search';

/**
 * A dense search sorted by name or e-mail (decision 031).
 *
 * The full-text row of every lead carries sort-key bucket tokens (migration 0021): 'n' and 'e'
 * followed by the hex of the first 2, 3 and 4 bytes of `name_sort` and `email_sort`. Hex keeps
 * every byte a token character, and the leads whose key starts with given bytes are one
 * stretch of the sort index.
 *
 * Before, such a page walked the sort index against the whole match set (built once from FTS)
 * until the page was full: "ærle" sorted by name passed 700k index entries before its first
 * match, "ol" built a set of 155k ids first; 100–250 ms CPU at 1M leads. Now:
 *  1. The typed words point at buckets: a name that starts with "ærle" sorts under `{rle`, an
 *     e-mail that starts with "ole" under `ole` (for e-mail also the usual transliteration,
 *     æ → ae, ø → o, å → a/aa). FTS is asked for the matches OUTSIDE those buckets (the search
 *     `NOT {sortkey}: (…)`), at most `outsideBucketsMax` + 1 of them.
 *  2. When that list is short, the page is those few rows (read by id and sorted) merged with
 *     a walk of the pointed-at buckets only, in order, each row checked for the words on the
 *     row itself (`lead_search_words`: the same rules as the index).
 *  3. Otherwise the matches are spread over the order: bucket by bucket from the start (or
 *     the cursor), each bucket's matches from FTS as the search AND its token (`spreadKeys`).
 * The walk of step 2 stops once the page is full; past `sortedCheckBudget` checked rows it
 * gives up and the caller walks against the full match set as before (null). The rows are
 * exactly those the full walk gives: the check is the index's own rule, and the rows outside
 * the buckets come from FTS.
 */

/** The bucket tokens of a lead's full-text row, as SQL over the leads row (`prefix`: 'new.'). */
export function sortBucketTokensSql(prefix = ''): string {
  const tokens = (letter: string, column: string) =>
    BUCKET_BYTES.map(
      (n) => `'${letter}' || hex(substr(cast(${prefix}${column} as blob), 1, ${n}))`,
    );
  return [...tokens('n', 'name_sort'), ...tokens('e', 'email_sort')].join(` || ' ' || `);
}

/**
 * The bucket levels: a token for the first 2, 3 and 4 bytes of each key. A word points at the
 * finest bucket that its own key fills (up to 4 bytes), so "ole" walks only the names that
 * start with "ole", not every "ol…" (Ola, Olav) before them. A row holds the token of bytes P
 * exactly when its key starts with P (a key shorter than a level gives that level its whole
 * self), so FTS and the index agree on every bucket.
 */
const BUCKET_BYTES = [2, 3, 4] as const;
const MAX_BUCKET_BYTES = 4;

type TextSort = 'name' | 'email';
const KEY_COLUMN = { name: leads.nameSort, email: leads.emailSort } as const;
const TOKEN_LETTER = { name: 'n', email: 'e' } as const;

/** Norwegian letters as e-mail addresses usually spell them. */
const transliterations = (word: string): string[] => [
  word.replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'a'),
  word.replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'aa'),
];

/**
 * The byte prefixes (one or two bytes) of the sort keys the typed words point at: where a
 * lead whose key begins with the word sorts. A guess only: correctness never depends on it.
 */
export function pointedBuckets(sort: TextSort, words: readonly string[]): Buffer[] {
  const keys =
    sort === 'name'
      ? words.map((w) => nameSortKey(w))
      : words.flatMap((w) => [emailSortKey(w), ...transliterations(w.toLowerCase())]);
  return covering(keys.map((k) => Buffer.from(k, 'utf8').subarray(0, MAX_BUCKET_BYTES)));
}

/** The prefixes in byte order, each once, without those another one covers. */
function covering(prefixes: readonly Buffer[]): Buffer[] {
  const sorted = prefixes.filter((p) => p.length > 0).sort(Buffer.compare);
  // A prefix of another covers it: keep the shorter one, once.
  const out: Buffer[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (last && p.subarray(0, last.length).equals(last)) continue;
    out.push(p);
  }
  return out;
}

/**
 * Where the matches sort, from a sample: the finest buckets (up to 4 bytes) of the first
 * `bucketSample` matches, when at most `sampledBucketsMax` of them hold nine in ten of the
 * sample; else none. The typed words point at the wrong place when the text that matched is
 * not the one sorted on: "bjor" finds the e-mails bjorn.…, whose names sort under "bj|r"
 * (Bjørn); by name it fell to the spread plan and then the full walk (140–160 ms CPU at 1M).
 * A guess only, like `pointedBuckets`: the query of the matches outside decides.
 */
export function sampledBuckets(
  conn: Conn,
  sort: TextSort,
  match: string,
  words: string | undefined,
): Buffer[] {
  const { bucketSample, sampledBucketsMax } = LEAD_QUERY_TUNING;
  if (bucketSample <= 0) return [];
  const key = KEY_COLUMN[sort];
  const rows = conn.all<{ k: Buffer | null }>(
    sql`select substr(cast(${key} as blob), 1, ${MAX_BUCKET_BYTES}) as k
        from leads_fts cross join ${leads} on ${leads.id} = leads_fts.rowid
        where leads_fts match ${match} ${words ? sql`and ${hasWords(words)}` : sql``}
        limit ${bucketSample}`,
  );
  if (rows.length === 0) return [];
  const counts = new Map<string, { p: Buffer; n: number }>();
  for (const { k } of rows) {
    const p = Buffer.isBuffer(k) ? k : Buffer.alloc(0);
    const id = p.toString('hex');
    const seen = counts.get(id);
    if (seen) seen.n++;
    else counts.set(id, { p, n: 1 });
  }
  const top = [...counts.values()].sort((a, b) => b.n - a.n).slice(0, sampledBucketsMax);
  const held = top.reduce((sum, b) => sum + b.n, 0);
  // An empty key (no name or e-mail) is no stretch a bucket token names: no guess then.
  if (held * 10 < rows.length * 9 || top.some((b) => b.p.length === 0)) return [];
  return top.map((b) => b.p);
}

/** The FTS term of a bucket prefix: a whole token for 2–4 bytes, a token prefix for one. */
const bucketTerm = (sort: TextSort, p: Buffer) =>
  p.length >= 2
    ? `"${TOKEN_LETTER[sort]}${p.toString('hex')}"`
    : `"${TOKEN_LETTER[sort]}${p.toString('hex')}"*`;

/** The smallest byte string above every string that starts with `p`; null: none. */
function upperBound(p: Buffer): Buffer | null {
  const out = Buffer.from(p);
  for (let i = out.length - 1; i >= 0; i--) {
    const byte = out[i] ?? 0;
    if (byte < 0xff) {
      out[i] = byte + 1;
      return out.subarray(0, i + 1);
    }
  }
  return null;
}

/** UTF-8 byte order, as SQLite's BINARY collation compares text. */
const compareKeys = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface SortedDenseInput {
  plan: Extract<SearchPlan, { kind: 'dense' }>;
  search: string;
  sort: TextSort;
  dir: SortDirection;
  /** Not driven by any term: the scope and filters as grid.ts writes them for a walk. */
  terms: Term[];
  need: number;
  after: { value: string; id: number } | null;
  extra?: SQL;
}

type Key = { id: number; sortValue: LeadCursor['value'] };

/** Up to `need` keys in order, or null: give up, walk against the full match set. */
export function sortedDenseKeys(conn: Conn, input: SortedDenseInput): Key[] | null {
  const { plan, sort, dir, need, after, extra } = input;
  const parsed = searchWords(input.search);
  if (!parsed || LEAD_QUERY_TUNING.sortedCheckBudget <= 0) return null;
  const words = JSON.stringify(parsed.words);
  const key = KEY_COLUMN[sort];
  const walkConditions = input.terms.map((t) => (t.scopeLike ? t.plain : t.hint));
  const afterRow = after
    ? dir === 'desc'
      ? sql`(${key}, ${leads.id}) < (${after.value}, ${after.id})`
      : sql`(${key}, ${leads.id}) > (${after.value}, ${after.id})`
    : undefined;
  const order = dir === 'desc' ? [desc(key), desc(leads.id)] : [asc(key), asc(leads.id)];
  const budget = { left: LEAD_QUERY_TUNING.sortedCheckBudget };

  /**
   * Walk the sort index within `range` from the cursor, a chunk at a time, keeping the rows
   * that hold the words. null: the budget ran out first.
   */
  const walk = (range: SQL | undefined, want: number): Key[] | null => {
    const found: Key[] = [];
    let from = afterRow;
    let chunk = 64;
    for (;;) {
      if (budget.left <= 0) return null;
      const size = Math.min(chunk, budget.left);
      // Up to 1,024 rows a chunk: as JSON text (row-lists.ts), the same rows and order.
      const candidates = walkChunk<string>(conn, {
        key,
        where: and(...walkConditions, range, from, extra),
        order,
        limit: size,
        dir,
      });
      budget.left -= candidates.length;
      const last = candidates.at(-1);
      if (!last) return found;
      const ok = new Set(
        idsOf(
          conn,
          sql`select ${leads.id} as id from ${leads}
              where ${leads.id} in (select value from json_each(${JSON.stringify(candidates.map((c) => c.id))}))
              and ${hasWords(words)}`,
        ),
      );
      for (const c of candidates) {
        if (!ok.has(c.id)) continue;
        found.push(c);
        if (found.length >= want) return found;
      }
      if (candidates.length < size) return found;
      from =
        dir === 'desc'
          ? sql`(${key}, ${leads.id}) < (${last.sortValue}, ${last.id})`
          : sql`(${key}, ${leads.id}) > (${last.sortValue}, ${last.id})`;
      chunk = Math.min(chunk * 2, 1024);
    }
  };

  const match = plan.rows?.match ?? plan.match;
  /**
   * A bucket whose walk ran out of budget: most of its rows hold other words that share its
   * bytes ("olive" walks the Olivias before the first Oliver; "marti" every marte.…), which
   * the walk checked one row read at a time. Its matches from FTS instead (the search AND its
   * token, at most `bucketHitsMax`), walked in its stretch of the index: the index entries
   * only, each id looked up in that list. null: too many, give up as before.
   */
  const bucketFromFts = (p: Buffer, range: SQL | undefined, want: number): Key[] | null => {
    const max = LEAD_QUERY_TUNING.bucketHitsMax;
    if (max <= 0) return null;
    const hits = idsOf(
      conn,
      sql`select rowid as id from leads_fts
          where leads_fts match ${`(${match}) AND {sortkey} : ${bucketTerm(sort, p)}`}
          limit ${max + 1}`,
    );
    if (hits.length > max) return null;
    if (hits.length === 0) return [];
    return conn
      .select({ id: leads.id, sortValue: key })
      .from(leads)
      .where(
        and(
          ...walkConditions,
          range,
          afterRow,
          sql`+${leads.id} in (select value from json_each(${JSON.stringify(hits)}))`,
          plan.rows ? hasWords(plan.rows.words) : undefined,
          extra,
        ),
      )
      .orderBy(...order)
      .limit(want)
      .all();
  };

  const buckets = covering([
    ...pointedBuckets(
      sort,
      parsed.words.map((w) => w.text),
    ),
    ...sampledBuckets(conn, sort, match, plan.rows?.words),
  ]);
  if (buckets.length > 0) {
    const inBuckets = `{sortkey} : (${buckets.map((p) => bucketTerm(sort, p)).join(' OR ')})`;
    const max = LEAD_QUERY_TUNING.outsideBucketsMax;
    const outside = idsOf(
      conn,
      sql`select rowid as id from leads_fts where leads_fts match ${`(${match}) NOT ${inBuckets}`}
          limit ${max + 1}`,
    );
    if (outside.length <= max) {
      // The few matches elsewhere in the order: by id, every term hinted, sorted.
      const elsewhere =
        outside.length === 0
          ? []
          : conn
              .select({ id: leads.id, sortValue: key })
              .from(leads)
              .where(
                and(
                  sql`${leads.id} in (select value from json_each(${JSON.stringify(outside)}))`,
                  ...input.terms.map((t) => t.hint),
                  plan.rows ? hasWords(plan.rows.words) : undefined,
                  afterRow,
                  extra,
                ),
              )
              .orderBy(
                ...(dir === 'desc'
                  ? [desc(sql`+${key}`), desc(sql`+${leads.id}`)]
                  : [asc(sql`+${key}`), asc(sql`+${leads.id}`)]),
              )
              .limit(need)
              .all();
      // The pointed-at buckets in order, each a stretch of the index.
      const inOrder = dir === 'desc' ? [...buckets].reverse() : buckets;
      const within: Key[] = [];
      for (const p of inOrder) {
        if (within.length >= need) break;
        const upper = upperBound(p);
        const range = and(
          sql`${key} >= cast(${p} as text)`,
          upper ? sql`${key} < cast(${upper} as text)` : undefined,
        );
        const want = need - within.length;
        const rows = walk(range, want) ?? bucketFromFts(p, range, want);
        if (!rows) return null;
        within.push(...rows);
      }
      const merged = [...elsewhere, ...within].sort((a, b) => {
        const c = compareKeys(String(a.sortValue), String(b.sortValue)) || a.id - b.id;
        return dir === 'desc' ? -c : c;
      });
      return merged.slice(0, need);
    }
  }
  return spreadKeys(conn, input, { key, walkConditions, afterRow, order });
}

/**
 * Matches spread over the order: bucket by bucket (2-byte level) from the start or the
 * cursor, each bucket's matches from FTS (the search AND the bucket's token: an intersection,
 * not the whole match set) walked in the bucket's stretch of the index. After
 * `spreadBuckets` buckets the rest of the page comes from the walk against the full match set,
 * from where the buckets ended. Exact: every row before that point was in a bucket read.
 */
function spreadKeys(
  conn: Conn,
  input: SortedDenseInput,
  {
    key,
    walkConditions,
    afterRow,
    order,
  }: { key: SQLiteColumn; walkConditions: SQL[]; afterRow: SQL | undefined; order: SQL[] },
): Key[] {
  const { plan, sort, dir, need, extra } = input;
  const found: Key[] = [];
  let from = afterRow;
  for (let n = 0; n < LEAD_QUERY_TUNING.spreadBuckets && found.length < need; n++) {
    const next = conn
      .select({ sortValue: key })
      .from(leads)
      .where(and(...walkConditions, from, extra))
      .orderBy(...order)
      .limit(1)
      .get();
    if (!next) return found;
    const bytes = Buffer.from(String(next.sortValue), 'utf8');
    const p = bytes.subarray(0, 2);
    const upper = upperBound(p);
    // A key of fewer than 2 bytes is its own bucket (its token is itself at every level).
    const range =
      p.length < 2
        ? sql`${key} = cast(${p} as text)`
        : and(
            sql`${key} >= cast(${p} as text)`,
            upper ? sql`${key} < cast(${upper} as text)` : undefined,
          );
    const hits = idsOf(
      conn,
      sql`select rowid as id from leads_fts where leads_fts match ${`(${plan.rows?.match ?? plan.match}) AND {sortkey} : "${TOKEN_LETTER[sort]}${p.toString('hex')}"`}`,
    );
    if (hits.length > 0)
      found.push(
        ...conn
          .select({ id: leads.id, sortValue: key })
          .from(leads)
          .where(
            and(
              ...walkConditions,
              range,
              from,
              sql`+${leads.id} in (select value from json_each(${JSON.stringify(hits)}))`,
              plan.rows ? hasWords(plan.rows.words) : undefined,
              extra,
            ),
          )
          .orderBy(...order)
          .limit(need - found.length)
          .all(),
      );
    // Past this bucket.
    from =
      dir === 'desc'
        ? sql`${key} < cast(${p} as text)`
        : p.length < 2 || !upper
          ? sql`${key} > cast(${p} as text)`
          : sql`${key} >= cast(${upper} as text)`;
    if (p.length >= 2 && !upper && dir === 'asc') return found; // nothing sorts after 0xffff
  }
  if (found.length < need)
    found.push(
      ...conn
        .select({ id: leads.id, sortValue: key })
        .from(leads)
        .where(and(...walkConditions, searchCondition(plan), from, extra))
        .orderBy(...order)
        .limit(need - found.length)
        .all(),
    );
  return found;
}
