import { type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Conn } from '../../client';
import { leads } from '../../schema';

/**
 * Long lists of ids (and sort keys) read as one JSON text per column (decision 057).
 * better-sqlite3 turns each column of each row into a JS value through V8's API, one at a
 * time: at 1M leads a search's first 2,001 matches cost ~2.7 ms of CPU as row objects and
 * ~0.8 ms as one JSON text (FTS itself ~0.5 ms), a dense walk's 4,000 (id, created time)
 * candidates ~6 ms against ~1.5 ms (the index read ~0.5 ms). Decision 039 did the same for a
 * page's rows. `asJson` false reads rows as before (the bench's comparison, the tests' reference).
 */
export const ROW_LISTS = { asJson: true as boolean };

/** The `id` column of the query's rows, in the order it gives them. */
export function idsOf(conn: Conn, query: SQL): number[] {
  if (!ROW_LISTS.asJson) return conn.all<{ id: number }>(query).map((r) => r.id);
  const { ids } = conn.get<{ ids: string }>(
    sql`select json_group_array(id) as ids from (${query})`,
  );
  return JSON.parse(ids) as number[];
}

/** How many rows the query gives (give it a LIMIT: this reads them all). */
export function countOf(conn: Conn, query: SQL): number {
  return conn.get<{ n: number }>(sql`select count(*) as n from (${query})`).n;
}

/** A sort key a walk's order can be checked on in JS (see `inOrder`). */
type WalkKey = number | string;

/**
 * The `id` and `k` columns of a query ordered by (k, id) in `dir`, as the rows of a walk.
 * The aggregate takes the rows in the order the subquery hands them over: a subquery with a
 * LIMIT is never flattened into an aggregate query, so it runs as a co-routine or a
 * materialised view, and either gives its rows in its ORDER BY. The order is checked all the
 * same (a comparison per row, ~1 % of the read), and the rows are read plainly if it ever
 * does not hold, so a page never rests on it.
 */
export function idKeysInOrder<K extends WalkKey>(
  conn: Conn,
  query: SQL,
  dir: 'asc' | 'desc',
): { id: number; sortValue: K }[] {
  if (ROW_LISTS.asJson) {
    const lists = conn.get<{ ids: string; ks: string }>(
      sql`select json_group_array(id) as ids, json_group_array(k) as ks from (${query})`,
    );
    const ids = JSON.parse(lists.ids) as number[];
    const keys = JSON.parse(lists.ks) as unknown[];
    if (inOrder(ids, keys, dir)) return ids.map((id, i) => ({ id, sortValue: keys[i] as K }));
  }
  return conn.all<{ id: number; k: K }>(query).map((r) => ({ id: r.id, sortValue: r.k }));
}

/**
 * One chunk of a walk along a sort index: the first `limit` leads in `order` (by `key`, then
 * id, in `dir`) that `where` lets through, as `idKeysInOrder` reads them.
 */
export function walkChunk<K extends WalkKey>(
  conn: Conn,
  {
    key,
    where,
    order,
    limit,
    dir,
  }: {
    key: SQLiteColumn;
    where: SQL | undefined;
    order: SQL[];
    limit: number;
    dir: 'asc' | 'desc';
  },
): { id: number; sortValue: K }[] {
  return idKeysInOrder<K>(
    conn,
    sql`select ${leads.id} as id, ${key} as k from ${leads} where ${where ?? sql`1`}
        order by ${sql.join(order, sql`, `)} limit ${limit}`,
    dir,
  );
}

// A UTF-16 code unit of a surrogate pair: only then do JS's string order (code units) and
// SQLite's BINARY order of the same text (UTF-8 bytes, i.e. code points) disagree.
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * (key, id) strictly rising (asc) or falling (desc) row by row, in SQLite's order: keys all
 * numbers, or all text without surrogate pairs; anything else (null, a blob, mixed kinds) is
 * not checked here and counts as out of order.
 */
export function inOrder(ids: readonly number[], keys: readonly unknown[], dir: 'asc' | 'desc') {
  if (ids.length !== keys.length) return false;
  if (ids.length === 0) return true;
  const kind = typeof keys[0];
  if (kind !== 'number' && kind !== 'string') return false;
  const sign = dir === 'asc' ? 1 : -1;
  for (let i = 0; i < ids.length; i++) {
    const k = keys[i];
    if (typeof k !== kind) return false;
    if (kind === 'string' && SURROGATE.test(k as string)) return false;
    if (i === 0) continue;
    const before = keys[i - 1] as WalkKey;
    const byKey = k === before ? 0 : (k as WalkKey) > before ? 1 : -1;
    const step = sign * (byKey || (ids[i] as number) - (ids[i - 1] as number));
    if (!(step > 0)) return false;
  }
  return true;
}
