import {
  decodeLeadCursor,
  encodeLeadCursor,
  isGroupSort,
  isLeadGroupPosition,
  LEAD_STATUS_RANK,
  type LeadCursor,
  type LeadFilterParams,
  type LeadListParams,
  leadStatusesOf,
  type Scope,
} from '@mg/shared';
import { and, asc, desc, eq, gt, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection, sqliteOf } from '../../client';
import { leads, projects, subsidiaries, users } from '../../schema';
import { flag, leadScopeById, listColumns } from './common';
import { groupSortKeys } from './grid-group-sort';
import { filterTerms, type Term } from './grid-plan';
import { walkChunk } from './row-lists';
import {
  denseChunk,
  LEAD_QUERY_TUNING,
  planSearch,
  searchCondition,
  searchHitsInOrder,
} from './search';
import { sortedDenseKeys } from './search-sorted';

/**
 * The indexed column behind each grid sort (see the generated columns in schema/leads.ts);
 * project and assignee are walks over two indexes of their own (grid-group-sort.ts).
 */
const SORT_KEYS = {
  createdAt: leads.createdAt,
  lastActivityAt: leads.lastActivityAt,
  name: leads.nameSort,
  email: leads.emailSort,
  status: leads.statusRank,
} as const;

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
  }
}

function pageOfLeads(
  conn: Conn,
  { scope, filter, extra }: { scope: Scope; filter: LeadListParams; extra?: SQL },
) {
  const sort = filter.sort ?? 'createdAt';
  const dir = filter.dir ?? 'desc';
  const limit = filter.limit ?? 50;
  let cursor: LeadCursor | null = null;
  if (filter.cursor) {
    cursor = decodeLeadCursor(filter.cursor);
    if (!cursor || cursor.sort !== sort || cursor.dir !== dir) throw new InvalidCursorError();
  }
  const plan = planSearch(conn, scope, filter.search);
  // Sorted by status, a status filter is written on the rank, the sort key itself, so SQLite
  // seeks to it instead of walking every other status first (300 ms at 1M for a late one).
  // Sorted by created time, a date range drives (a dense search keeps its id-range walk).
  const terms = filterTerms(scope, filter, {
    statusByRank: sort === 'status',
    sort,
    rangeMayDrive: plan.kind !== 'dense',
  });
  let keys: { id: number; sortValue: LeadCursor['value'] }[];
  if (isGroupSort(sort)) {
    const position = cursor?.value;
    keys = groupSortKeys(conn, {
      sort,
      dir,
      want: limit + 1,
      after: cursor && isLeadGroupPosition(position) ? { position, id: cursor.id } : null,
      terms,
      plan,
      extra,
      statusRanks: leadStatusesOf(filter).map((s) => LEAD_STATUS_RANK[s]),
      subsidiaryId: scope.kind === 'subsidiary' ? scope.subsidiaryId : filter.subsidiaryId,
    });
    return finishPage(conn, { scope, sort, dir, limit, keys });
  }
  const key = SORT_KEYS[sort];
  // Row values: (key, id) is strictly after the given row, ties broken on id.
  const afterRow = (value: number | string, id: number) =>
    dir === 'desc'
      ? sql`(${key}, ${leads.id}) < (${value}, ${id})`
      : sql`(${key}, ${leads.id}) > (${value}, ${id})`;
  let after: SQL | undefined;
  let afterKey: { value: number | string; id: number } | null = null;
  if (cursor) {
    if (isLeadGroupPosition(cursor.value)) throw new InvalidCursorError();
    after = afterRow(cursor.value, cursor.id);
    afterKey = { value: cursor.value, id: cursor.id };
  }
  // Which index walks the rows: the sort key's (with the scope in front) unless a selective
  // term is there to drive; then that term's index, and the few rows it gives get sorted.
  const drivers = terms.filter((t) => t.driver);
  const byIds = plan.kind === 'ids';
  const driven = byIds || drivers.length > 0;
  // Ranges and the flag partial indexes have the subsidiary in front; project and assignee
  // indexes do not, so next to those the scope must not compete for the index.
  const hintScope = byIds || drivers.some((t) => !t.withScope);
  // Driver indexes end in created_at, so createdAt order can come free; any other order is
  // a sort of the few rows the driver gives.
  const createdOrderFree =
    sort === 'createdAt' &&
    !byIds &&
    drivers.every(
      (t) =>
        t.createdOrder === 'always' ||
        (t.createdOrder === 'scoped' && scope.kind === 'subsidiary' && !hintScope),
    );
  const sorted = driven && !createdOrderFree;
  const conditions = terms.map((t) => {
    if (t.driver) return t.plain;
    // A status on its rank next to a driver: plain, it drew SQLite onto the status index
    // (a fifth of all leads, then sorted: 200 ms at 1M) instead of the driver's.
    if (t.rank && sorted) return t.hint;
    if (t.scopeLike) return hintScope ? t.hint : t.plain;
    return t.hint;
  });
  const orderKey = sorted ? sql`+${key}` : key;
  const orderId = sorted ? sql`+${leads.id}` : leads.id;
  const order = dir === 'desc' ? [desc(orderKey), desc(orderId)] : [asc(orderKey), asc(orderId)];
  // First the page's ids from `leads` alone, so SQLite picks among the leads indexes and
  // never drives the query from a joined table; then the columns for just those rows.
  const select = (where: SQL | undefined, n: number) =>
    conn
      .select({ id: leads.id, sortValue: key })
      .from(leads)
      .where(where)
      .orderBy(...order)
      .limit(n)
      .all();
  // Names and e-mails are in no relation to ids, so their id ranges are never tight: straight to the
  // full match set there.
  const byBuckets =
    plan.kind === 'dense' && !driven && (sort === 'name' || sort === 'email')
      ? sortedDenseKeys(conn, {
          plan,
          search: filter.search ?? '',
          sort,
          dir,
          terms,
          need: limit + 1,
          after:
            typeof afterKey?.value === 'string' ? { value: afterKey.value, id: afterKey.id } : null,
          extra,
        })
      : null;
  if (byBuckets) keys = byBuckets;
  else if (plan.kind === 'dense' && !driven && sort !== 'name' && sort !== 'email') {
    // Candidates in sort order, a chunk at a time; FTS says which of them match, asked only
    // for the chunk's id range. Too wide a range, or too many candidates, and the rest comes
    // from the full match set instead. Exact either way: the candidates are every row that
    // passes the other filters, in order, and the range covers each of them.
    keys = [];
    const chunk = denseChunk(limit + 1, plan.density);
    let from = after;
    let scanned = 0;
    let done = false;
    while (!done && keys.length <= limit && scanned < LEAD_QUERY_TUNING.denseScanBudget) {
      // Up to thousands of rows a chunk: as JSON text (row-lists.ts), the same rows and order.
      const candidates = walkChunk<number>(conn, {
        key,
        where: and(...conditions, from, extra),
        order,
        limit: chunk,
        dir,
      });
      const first = candidates[0];
      const lastCandidate = candidates.at(-1);
      if (!first || !lastCandidate) {
        done = true;
        break;
      }
      let lo = first.id;
      let hi = first.id;
      for (const c of candidates) {
        lo = Math.min(lo, c.id);
        hi = Math.max(hi, c.id);
      }
      if (hi - lo > candidates.length * LEAD_QUERY_TUNING.denseSpanFactor) break;
      scanned += candidates.length;
      keys.push(
        ...searchHitsInOrder(conn, plan, { candidates, lo, hi, need: limit + 1 - keys.length }),
      );
      if (candidates.length < chunk) done = true;
      from = afterRow(lastCandidate.sortValue, lastCandidate.id);
    }
    if (!done && keys.length <= limit)
      keys.push(
        ...select(and(...conditions, searchCondition(plan), from, extra), limit + 1 - keys.length),
      );
  } else if (afterKey && !sorted) {
    // Walking the sort index after a cursor: SQLite seeks the row value (key, id) < (v, i)
    // on the key alone and then passes every row with that key until the id is below i. For
    // the status sort that is up to a whole status (200k index entries at 1M, ~100 ms); so
    // two seeks: the rest of the cursor's key, then the keys after it. Same rows, same order
    // (a NULL key matches neither, as it matched no row value).
    const rest = [...conditions, searchCondition(plan), extra];
    const { value, id } = afterKey;
    keys = select(
      and(...rest, eq(key, value), dir === 'desc' ? lt(leads.id, id) : gt(leads.id, id)),
      limit + 1,
    );
    if (keys.length <= limit)
      keys.push(
        ...select(
          and(...rest, dir === 'desc' ? lt(key, value) : gt(key, value)),
          limit + 1 - keys.length,
        ),
      );
  } else {
    const choice =
      sorted && plan.kind === 'none'
        ? walkAgainstDriverIds(conn, { terms, key, dir, after, extra, want: limit + 1 })
        : null;
    if (choice && 'keys' in choice) keys = choice.keys;
    else {
      // Two drivers (an assignee and "legal hold"): only the one with fewer rows keeps its
      // index; SQLite took the assignee's 6,000 rows over the 69 on hold and sorted them.
      const only = choice?.driver;
      const where =
        only && drivers.length > 1
          ? terms.map((t) => {
              if (t === only) return t.plain;
              if (t.scopeLike && !t.rank) return only.withScope ? t.plain : t.hint;
              return t.hint;
            })
          : conditions;
      keys = select(and(...where, searchCondition(plan), after, extra), limit + 1);
    }
  }
  return finishPage(conn, { scope, sort, dir, limit, keys });
}

/**
 * Plan choices for a driven page in another order than the driver's (tests force them).
 * `driverIdWalk`: 'auto' decides by estimated cost, 'always' / 'never' force it;
 * `walkBoundMin`: the fewest sort-index entries a walk may pass before it gives up.
 */
export const GRID_PLAN_TUNING = {
  driverIdWalk: 'auto' as 'auto' | 'always' | 'never',
  walkBoundMin: 2000,
  /** ...and the most (tests make it small to force the fallback). */
  walkBoundMax: Number.POSITIVE_INFINITY,
  /** A driver's rows are counted up to this many for the estimate (a covering index count). */
  countCap: 40_000,
};

/** Leads in all and (estimated) per subsidiary, once per connection and minute: estimates only. */
const scopeSizes = new WeakMap<object, { at: number; all: number; perSubsidiary: number }>();
function scopeSize(conn: Conn, scoped: boolean): number {
  const key = (conn as unknown as { session: object }).session;
  let sizes = scopeSizes.get(key);
  const now = Date.now();
  if (!sizes || now - sizes.at > 60_000) {
    // max(id), not count(*): a seek, where a count reads a million index entries. Leads are
    // anonymised, not deleted, so the two stay close.
    const all = conn.get<{ n: number | null }>(sql`select max(id) as n from ${leads}`).n ?? 0;
    const subs = conn.get<{ n: number }>(sql`select count(*) as n from ${subsidiaries}`).n;
    sizes = { at: now, all, perSubsidiary: all / Math.max(1, subs) };
    scopeSizes.set(key, sizes);
  }
  return Math.max(1, scoped ? sizes.perSubsidiary : sizes.all);
}

/**
 * A driven page sorted by another key: SQLite reads every row the driver's index gives (a
 * project's ~3,300 leads, an assignee's ~6,000 at 1M) from the table, ~1.4 µs each, only to
 * sort them for 50: 5–20 ms. The driver's index alone gives their ids (covering; ~0.45 µs
 * each into an ephemeral index). So walk the sort index (the scope in front, covering for key and id) and keep the
 * entries whose id is among the driver's (SQLite checks `id in (...)` with a Bloom filter and
 * an ephemeral index before it touches the row); only those rows are read, for the other,
 * hinted terms. Worth it when the walk is short: the driver's rows are a large enough share of
 * the scope. The estimate (counts of each driver, the terms' shares) can be wrong where
 * columns go together (new leads have no assignee; anonymised leads have no name), so the walk
 * passes at most a bound of entries (a LIMIT inside, SQLite runs it as a co-routine); when it
 * did not fill the page, or the estimate favours the sort, this returns the driver whose rows
 * are cheapest to sort and the caller sorts them as before (with only that driver's index).
 * Exact either way: the walk checks every entry in order from the cursor, and the rows kept
 * pass every term. Null: no driver.
 */
function walkAgainstDriverIds(
  conn: Conn,
  input: {
    terms: Term[];
    key: (typeof SORT_KEYS)[keyof typeof SORT_KEYS];
    dir: 'asc' | 'desc';
    after: SQL | undefined;
    extra: SQL | undefined;
    want: number;
  },
): { keys: { id: number; sortValue: LeadCursor['value'] }[] } | { driver: Term } | null {
  const { terms, key, dir, after, extra, want } = input;
  const mode = GRID_PLAN_TUNING.driverIdWalk;
  const drivers = terms.filter((t) => t.driver);
  // A lone covering driver (anonymised): its rows sort from the index for less than the ids
  // would cost to put in a set (0.2 vs 0.45 µs each), so no count is needed to know.
  const [lone] = drivers;
  if (lone?.covering && drivers.length === 1 && mode === 'auto') return { driver: lone };
  const scopeTerms = terms.filter((t) => t.scopeLike && !t.rank);
  const scoped = scopeTerms.length > 0;
  // Every driver has an index with the subsidiary in front (project, assignee, date range,
  // the flags, anonymised): counted within the scope from it.
  const withScopeIndex = (t: Term) => t.withScope === true || t.kind !== undefined;
  // The driver whose rows are cheapest to sort: fewest, or read from a covering index.
  const rowCost = (t: Term) => (t.covering ? 0.2 : 1.4);
  let best: { term: Term; n: number; share: number } | null = null;
  for (const t of drivers) {
    const inScope = scoped && withScopeIndex(t);
    const where = and(...(inScope ? scopeTerms.map((s) => s.plain) : []), t.plain);
    const n = conn.get<{ n: number }>(
      sql`select count(*) as n from (select 1 from ${leads} where ${where} limit ${GRID_PLAN_TUNING.countCap})`,
    ).n;
    const share = n / scopeSize(conn, inScope);
    if (!best || n * rowCost(t) < best.n * rowCost(best.term)) best = { term: t, n, share };
  }
  if (!best) return null;
  const chosen = best;
  const sortRows = { driver: chosen.term };
  if (mode === 'never') return sortRows;
  const others = terms.filter((t) => t !== chosen.term && !scopeTerms.includes(t));
  const otherShare = others.reduce((p, t) => p * (t.share ?? 0.5), 1);
  const passShare = Math.max(1e-6, Math.min(1, chosen.share) * otherShare);
  // Expected index entries walked, rows read for the other terms, the driver's ids put in an
  // ephemeral index, and the sort's row reads; weights in µs fitted at 1M on the loaded
  // machine (a walked entry through the co-routine ~0.22, an id into the set ~0.45, a row
  // ~1.3–1.4, an entry of a covering driver index sorted ~0.2).
  const entries = want / passShare;
  const rowsRead = Math.min(chosen.n, want / Math.max(1e-6, otherShare));
  const walkCost = 0.22 * entries + 1.3 * rowsRead + 0.45 * chosen.n;
  // Rows from a covering driver index (anonymised leads) are sorted without the table.
  const sortCost = rowCost(chosen.term) * chosen.n;
  if (mode === 'auto' && !(walkCost < 0.7 * sortCost)) return sortRows;
  const bound = Math.ceil(
    Math.min(GRID_PLAN_TUNING.walkBoundMax, Math.max(GRID_PLAN_TUNING.walkBoundMin, 3 * entries)),
  );
  const order = dir === 'desc' ? sql.raw('desc') : sql.raw('asc');
  // The walk: only the scope (the sort index's prefix) and the cursor inside, so it reads the
  // index alone; the driver's ids and the other terms outside, on the row joined by id.
  const inner = sql`select ${leads.id} as id, ${key} as k from ${leads}
    where ${and(...scopeTerms.map((t) => t.plain), after) ?? sql`1`}
    order by ${key} ${order}, ${leads.id} ${order} limit ${bound}`;
  const driverIds = sql`select ${leads.id} from ${leads} where ${and(...(scoped && withScopeIndex(chosen.term) ? scopeTerms.map((s) => s.plain) : []), chosen.term.plain)}`;
  const rows = conn.all<{ id: number; sortValue: string | number | null }>(
    sql`select w.id as id, w.k as sortValue from (${inner}) as w
        cross join ${leads} on ${leads.id} = w.id
        where w.id in (${driverIds}) and ${and(...others.map((t) => t.hint), extra) ?? sql`1`}
        limit ${want}`,
  );
  if (rows.length < want) return sortRows;
  // The co-routine gives the walk's order; sorted here again so the page does not rest on it.
  const sign = dir === 'desc' ? -1 : 1;
  rows.sort((a, b) => sign * (compareKeys(a.sortValue, b.sortValue) || a.id - b.id));
  return { keys: rows as { id: number; sortValue: LeadCursor['value'] }[] };
}

/** SQLite's order for a sort key: numbers by value, text by its UTF-8 bytes (BINARY). */
function compareKeys(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The page from its keys (up to limit + 1): the rows with their joins, and the next cursor. */
function finishPage(
  conn: Conn,
  {
    scope,
    sort,
    dir,
    limit,
    keys,
  }: {
    scope: Scope;
    sort: LeadCursor['sort'];
    dir: LeadCursor['dir'];
    limit: number;
    keys: { id: number; sortValue: LeadCursor['value'] }[];
  },
) {
  const hasMore = keys.length > limit;
  const pageKeys = hasMore ? keys.slice(0, limit) : keys;
  const last = pageKeys.at(-1);
  const nextCursor =
    hasMore && last ? encodeLeadCursor({ sort, dir, value: last.sortValue, id: last.id }) : null;
  if (pageKeys.length === 0) return { items: [], nextCursor };
  const byId = new Map(
    pageRows(
      conn,
      pageKeys.map((k) => k.id),
      scope,
    ).map((r) => [r.id, r]),
  );
  const items = pageKeys.flatMap((k) => {
    const row = byId.get(k.id);
    return row ? [row] : [];
  });
  return { items, nextCursor };
}

/**
 * The grid's columns for the given ids, as drizzle builds the query. Kept as the reference
 * for `pageRows` (same rows, same types; the test compares them) and for the row type.
 */
export function pageRowsBuilt(conn: Conn, ids: number[], scope: Scope) {
  return conn
    .select(listColumns)
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .leftJoin(users, eq(users.id, leads.assigneeUserId))
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .all();
}
type PageRow = ReturnType<typeof pageRowsBuilt>[number];

/**
 * One page row as SQLite hands it over: the columns of `pageRows` in their order, the flags
 * as 0/1 (`json_array` has no booleans).
 */
type StoredPageRow = [
  id: PageRow['id'],
  name: PageRow['name'],
  email: PageRow['email'],
  phone: PageRow['phone'],
  status: PageRow['status'],
  projectId: PageRow['projectId'],
  projectName: PageRow['projectName'],
  subsidiaryId: PageRow['subsidiaryId'],
  subsidiaryName: PageRow['subsidiaryName'],
  assigneeUserId: PageRow['assigneeUserId'],
  assigneeName: PageRow['assigneeName'],
  assigneeActive: number | null,
  consentEmail: number,
  consentSms: number,
  restricted: number,
  legalHold: number,
  anonymisedAt: PageRow['anonymisedAt'],
  createdAt: PageRow['createdAt'],
  statusChangedAt: PageRow['statusChangedAt'],
  lastActivityAt: PageRow['lastActivityAt'],
];

// Every grid request reads its page's rows: building that query through drizzle and mapping
// its rows field by field (drizzle checks each field's column kind per row) cost ~1.5 ms of
// CPU per page, more than SQLite takes to read the 50 rows. So it is written once and bound:
// the ids as one JSON array, the scope hinted as in leadScopeById. The rows come back as one
// JSON text (an array of arrays) that JSON.parse turns into values: better-sqlite3 makes each
// column of each row a JS value through V8's API one by one, ~0.3 µs a value, 1,000 values a
// page (rows as objects ~550–700 µs, as arrays ~300 µs; as one JSON text, parsed and built
// into objects, ~200 µs; SQLite's own reading of the 50 rows ~50 µs; decision 039).
const PAGE_ROWS_SQL = `select json_group_array(json_array(l.id, l.name, l.email, l.phone,
  l.status, l.project_id, p.name, l.subsidiary_id, s.name,
  l.assignee_user_id, u.name, u.active,
  l.consent_email, l.consent_sms, l.restricted, l.legal_hold,
  l.anonymised_at, l.created_at, l.status_changed_at, l.last_activity_at))
from leads l
join projects p on p.id = l.project_id
join subsidiaries s on s.id = l.subsidiary_id
left join users u on u.id = l.assignee_user_id
where l.id in (select value from json_each(?))`;

const pageRowStatements = preparedPerConnection((conn) => {
  const client = sqliteOf(conn);
  return {
    all: client.prepare(PAGE_ROWS_SQL).pluck(),
    subsidiary: client.prepare(`${PAGE_ROWS_SQL} and +l.subsidiary_id = ?`).pluck(),
  };
});

/** The grid's columns for the given ids (order not kept), within scope. */
export function pageRows(conn: Conn, ids: number[], scope: Scope): PageRow[] {
  const statements = pageRowStatements(conn);
  const json = JSON.stringify(ids);
  const text = (
    scope.kind === 'all'
      ? statements.all.get(json)
      : statements.subsidiary.get(json, scope.subsidiaryId)
  ) as string;
  return (JSON.parse(text) as StoredPageRow[]).map((r) => ({
    id: r[0],
    name: r[1],
    email: r[2],
    phone: r[3],
    status: r[4],
    projectId: r[5],
    projectName: r[6],
    subsidiaryId: r[7],
    subsidiaryName: r[8],
    assigneeUserId: r[9],
    assigneeName: r[10],
    assigneeActive: r[11] === null ? null : r[11] === 1,
    consentEmail: r[12] === 1,
    consentSms: r[13] === 1,
    restricted: r[14] === 1,
    legalHold: r[15] === 1,
    anonymisedAt: r[16],
    createdAt: r[17],
    statusChangedAt: r[18],
    lastActivityAt: r[19],
  }));
}

/**
 * One page of the grid: filtered, sorted (ties broken on id) and paged by keyset, so a deep
 * page costs the same as the first. Throws InvalidCursorError for a cursor of another sort.
 */
export function listLeads(conn: Conn, { scope, filter }: { scope: Scope; filter: LeadListParams }) {
  return pageOfLeads(conn, { scope, filter });
}
export type LeadListRow = ReturnType<typeof listLeads>['items'][number];

/**
 * The rows of a CSV export, a chunk at a time by keyset, so 100k rows never sit in memory
 * together. Exactly the grid's filter and order, within scope, and never a restricted lead
 * (GDPR art. 18: restricted data is only stored).
 */
export function* iterateLeadsForExport(
  conn: Conn,
  {
    scope,
    filter,
    chunkSize = 1000,
  }: { scope: Scope; filter: LeadFilterParams; chunkSize?: number },
): Generator<LeadListRow[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = pageOfLeads(conn, {
      scope,
      filter: { ...filter, cursor, limit: chunkSize },
      extra: flag(leads.restricted, false),
    });
    if (page.items.length > 0) yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/**
 * The ids of every workable lead (neither restricted nor anonymised) the filter matches in
 * scope, in the grid's order, up to `max + 1`, so the caller can tell "more than max" apart.
 * This is "select all N matching" for a bulk change.
 */
export function listWorkableLeadIds(
  conn: Conn,
  { scope, filter, max }: { scope: Scope; filter: LeadFilterParams; max: number },
): number[] {
  const ids: number[] = [];
  let cursor: string | undefined;
  const extra = and(flag(leads.restricted, false), sql`${leads.anonymisedAt} is null`);
  while (ids.length <= max) {
    const page = pageOfLeads(conn, {
      scope,
      filter: { ...filter, cursor, limit: Math.min(200, max + 1 - ids.length) },
      extra,
    });
    ids.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return ids;
}
