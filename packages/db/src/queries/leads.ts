import {
  addDays,
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type ConsentSource,
  decodeLeadCursor,
  encodeLeadCursor,
  LEAD_STATUS_RANK,
  type LeadFilterParams,
  type LeadListParams,
  type LeadSource,
  type LeadStatus,
  osloDayStart,
  type Scope,
} from '@mg/shared';
import { and, asc, desc, eq, gte, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { type Conn, preparedPerConnection } from '../client';
import {
  CONSENT_PURPOSE_COLUMNS,
  consentEvents,
  disclosures,
  leadActivities,
  leads,
  projects,
  subsidiaries,
  users,
} from '../schema';

/** Every lead query goes through this: a subsidiary scope limits rows to that subsidiary. */
export function leadScope(scope: Scope): SQL | undefined {
  return scope.kind === 'all' ? undefined : eq(leads.subsidiaryId, scope.subsidiaryId);
}

/**
 * The same scope for queries that find their rows by id, e-mail or phone: still applied to
 * every row, but written so SQLite never picks the subsidiary's index over the id or contact
 * index (without statistics it would, and walk all of a subsidiary's leads).
 */
export function leadScopeById(scope: Scope): SQL | undefined {
  return scope.kind === 'all' ? undefined : sql`+${leads.subsidiaryId} = ${scope.subsidiaryId}`;
}

const listColumns = {
  id: leads.id,
  name: leads.name,
  email: leads.email,
  phone: leads.phone,
  status: leads.status,
  projectId: leads.projectId,
  projectName: projects.name,
  subsidiaryId: leads.subsidiaryId,
  subsidiaryName: subsidiaries.name,
  assigneeUserId: leads.assigneeUserId,
  assigneeName: users.name,
  consentEmail: leads.consentEmail,
  consentSms: leads.consentSms,
  restricted: leads.restricted,
  legalHold: leads.legalHold,
  anonymisedAt: leads.anonymisedAt,
  createdAt: leads.createdAt,
  statusChangedAt: leads.statusChangedAt,
  lastActivityAt: leads.lastActivityAt,
};

/** The indexed column behind each grid sort (see the generated columns in schema/leads.ts). */
const SORT_KEYS = {
  createdAt: leads.createdAt,
  lastActivityAt: leads.lastActivityAt,
  name: leads.nameSort,
  status: leads.statusRank,
} as const;

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

/** 1 / 0 written out, so the partial indexes on the flags (WHERE restricted = 1) apply. */
function flag(column: SQLiteColumn, value: boolean): SQL {
  return value ? sql`${column} = 1` : sql`${column} = 0`;
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
type SearchPlan =
  | { kind: 'none' }
  | { kind: 'ids'; ids: number[] }
  | { kind: 'dense'; match: string };

function planSearch(conn: Conn, scope: Scope, search: string | undefined): SearchPlan {
  const match = search ? leadSearchMatch(scope, search) : null;
  if (!match) return { kind: 'none' };
  const rows = conn.all<{ id: number }>(
    sql`select rowid as id from leads_fts where leads_fts match ${match} limit ${LEAD_QUERY_TUNING.sparseSearchMax + 1}`,
  );
  if (rows.length <= LEAD_QUERY_TUNING.sparseSearchMax)
    return { kind: 'ids', ids: rows.map((r) => r.id) };
  return { kind: 'dense', match };
}

function searchCondition(plan: SearchPlan): SQL | undefined {
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

/**
 * One filter term, written two ways: `plain` lets SQLite use an index for it, `hint` (unary +
 * on the column) keeps SQLite from choosing an index because of it. SQLite without
 * statistics takes any equality as selective, so "status = 'new'" (a fifth of all leads)
 * would win over walking the sort index and end in sorting 200k rows. We know better which
 * terms narrow the rows enough to drive a query: the `driver` ones.
 */
interface Term {
  plain: SQL;
  hint: SQL;
  driver: boolean;
  /** Scope-like terms (the caller's scope, a subsidiary filter) pair with composite indexes. */
  scopeLike?: boolean;
  /** A driver whose index starts with subsidiary_id, so it works with the scope. */
  withScope?: boolean;
  /** Whether the driver's index gives createdAt order: always, or with a subsidiary prefix. */
  createdOrder?: 'always' | 'scoped';
}

const term = (plain: SQL, hint: SQL, driver: boolean, extra: Partial<Term> = {}): Term => ({
  plain,
  hint,
  driver,
  ...extra,
});
const eqTerm = (column: SQLiteColumn, value: unknown, driver: boolean, extra?: Partial<Term>) =>
  term(sql`${column} = ${value}`, sql`+${column} = ${value}`, driver, extra);
const flagTerm = (column: SQLiteColumn, value: boolean) =>
  // Only the rare "= 1" has a (partial) index worth driving by.
  value
    ? term(sql`${column} = 1`, sql`+${column} = 1`, true, {
        withScope: true,
        createdOrder: 'scoped',
      })
    : term(sql`${column} = 0`, sql`+${column} = 0`, false);
const nullTerm = (column: SQLiteColumn, isNullValue: boolean, driver: boolean) =>
  isNullValue
    ? term(sql`${column} is null`, sql`+${column} is null`, driver)
    : term(sql`${column} is not null`, sql`+${column} is not null`, driver, {
        createdOrder: 'always',
      });

/** A created-at range this short is selective enough to drive a page. */
const NARROW_RANGE_DAYS = 62;

/** Everything but the search: the scope and the column filters, as terms. */
function filterTerms(
  scope: Scope,
  filter: LeadFilterParams,
  options: { statusByRank?: boolean } = {},
): Term[] {
  const terms: Term[] = [];
  if (scope.kind === 'subsidiary')
    terms.push(eqTerm(leads.subsidiaryId, scope.subsidiaryId, false, { scopeLike: true }));
  if (filter.subsidiaryId)
    terms.push(eqTerm(leads.subsidiaryId, filter.subsidiaryId, false, { scopeLike: true }));
  if (filter.projectId)
    terms.push(eqTerm(leads.projectId, filter.projectId, true, { createdOrder: 'always' }));
  if (filter.status)
    terms.push(
      options.statusByRank
        ? eqTerm(leads.statusRank, LEAD_STATUS_RANK[filter.status], false, { scopeLike: true })
        : eqTerm(leads.status, filter.status, false),
    );
  const consents: Partial<Record<ConsentPurpose, boolean>> = { ...filter.consents };
  if (filter.consent) consents[filter.consent] = true;
  for (const purpose of CONSENT_PURPOSES) {
    const granted = consents[purpose];
    if (granted !== undefined)
      terms.push(
        granted
          ? term(
              sql`${leads[CONSENT_PURPOSE_COLUMNS[purpose]]} = 1`,
              sql`+${leads[CONSENT_PURPOSE_COLUMNS[purpose]]} = 1`,
              false,
            )
          : term(
              sql`${leads[CONSENT_PURPOSE_COLUMNS[purpose]]} = 0`,
              sql`+${leads[CONSENT_PURPOSE_COLUMNS[purpose]]} = 0`,
              false,
            ),
      );
  }
  if (filter.from || filter.to) {
    const start = filter.from ? osloDayStart(filter.from) : null;
    const end = filter.to ? osloDayStart(addDays(filter.to, 1)) : null;
    const days = ((end ?? Date.now()) - (start ?? 0)) / 86_400_000;
    const narrow = start !== null && days <= NARROW_RANGE_DAYS;
    const parts = (plus: boolean) =>
      and(
        start === null
          ? undefined
          : plus
            ? sql`+${leads.createdAt} >= ${start}`
            : gte(leads.createdAt, start),
        end === null
          ? undefined
          : plus
            ? sql`+${leads.createdAt} < ${end}`
            : lt(leads.createdAt, end),
      ) ?? sql`1`;
    terms.push(
      term(parts(false), parts(true), narrow, { withScope: true, createdOrder: 'always' }),
    );
  }
  if (filter.assigneeUserId === 'unassigned')
    terms.push(nullTerm(leads.assigneeUserId, true, false));
  else if (filter.assigneeUserId)
    terms.push(
      eqTerm(leads.assigneeUserId, filter.assigneeUserId, true, { createdOrder: 'always' }),
    );
  if (filter.restricted !== undefined) terms.push(flagTerm(leads.restricted, filter.restricted));
  if (filter.legalHold !== undefined) terms.push(flagTerm(leads.legalHold, filter.legalHold));
  if (filter.anonymised !== undefined)
    terms.push(nullTerm(leads.anonymisedAt, !filter.anonymised, filter.anonymised));
  return terms;
}

/** Everything but the search, every term index-eligible (for simple callers). */
function filterConditions(scope: Scope, filter: LeadFilterParams): (SQL | undefined)[] {
  return filterTerms(scope, filter).map((t) => t.plain);
}

/** The WHERE for a grid filter, always including the caller's scope. */
export function leadFilter(conn: Conn, scope: Scope, filter: LeadFilterParams): SQL | undefined {
  return and(
    ...filterConditions(scope, filter),
    searchCondition(planSearch(conn, scope, filter.search)),
  );
}

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
  const key = SORT_KEYS[sort];
  // Row values: (key, id) is strictly after the given row, ties broken on id.
  const afterRow = (value: number | string, id: number) =>
    dir === 'desc'
      ? sql`(${key}, ${leads.id}) < (${value}, ${id})`
      : sql`(${key}, ${leads.id}) > (${value}, ${id})`;
  let after: SQL | undefined;
  if (filter.cursor) {
    const cursor = decodeLeadCursor(filter.cursor);
    if (!cursor || cursor.sort !== sort || cursor.dir !== dir) throw new InvalidCursorError();
    after = afterRow(cursor.value, cursor.id);
  }
  // Which index walks the rows: the sort key's (with the scope in front) unless a selective
  // term is there to drive; then that term's index, and the few rows it gives get sorted.
  const plan = planSearch(conn, scope, filter.search);
  const terms = filterTerms(scope, filter);
  const drivers = terms.filter((t) => t.driver);
  const byIds = plan.kind === 'ids';
  const driven = byIds || drivers.length > 0;
  // Ranges and the flag partial indexes have the subsidiary in front; project and assignee
  // indexes do not, so next to those the scope must not compete for the index.
  const hintScope = byIds || drivers.some((t) => !t.withScope);
  const conditions = terms.map((t) => {
    if (t.driver) return t.plain;
    if (t.scopeLike) return hintScope ? t.hint : t.plain;
    return t.hint;
  });
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
  let keys: { id: number; sortValue: number | string }[];
  // Names are in no relation to ids, so their id ranges are never tight: straight to the
  // full match set there.
  if (plan.kind === 'dense' && !driven && sort !== 'name') {
    // Candidates in sort order, a chunk at a time; FTS says which of them match, asked only
    // for the chunk's id range. Too wide a range, or too many candidates, and the rest comes
    // from the full match set instead. Exact either way: the candidates are every row that
    // passes the other filters, in order, and the range covers each of them.
    keys = [];
    const chunk = Math.max(LEAD_QUERY_TUNING.denseChunkMin, (limit + 1) * 8);
    let from = after;
    let scanned = 0;
    let done = false;
    while (!done && keys.length <= limit && scanned < LEAD_QUERY_TUNING.denseScanBudget) {
      const candidates = select(and(...conditions, from, extra), chunk);
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
      const hits = new Set(
        conn
          .all<{ id: number }>(
            sql`select rowid as id from leads_fts
                where leads_fts match ${plan.match} and rowid >= ${lo} and rowid <= ${hi}`,
          )
          .map((r) => r.id),
      );
      for (const c of candidates) {
        if (!hits.has(c.id)) continue;
        keys.push(c);
        if (keys.length > limit) break;
      }
      if (candidates.length < chunk) done = true;
      from = afterRow(lastCandidate.sortValue, lastCandidate.id);
    }
    if (!done && keys.length <= limit)
      keys.push(
        ...select(and(...conditions, searchCondition(plan), from, extra), limit + 1 - keys.length),
      );
  } else {
    keys = select(and(...conditions, searchCondition(plan), after, extra), limit + 1);
  }
  const hasMore = keys.length > limit;
  const pageKeys = hasMore ? keys.slice(0, limit) : keys;
  const last = pageKeys.at(-1);
  const nextCursor =
    hasMore && last ? encodeLeadCursor({ sort, dir, value: last.sortValue, id: last.id }) : null;
  if (pageKeys.length === 0) return { items: [], nextCursor };
  const rows = conn
    .select(listColumns)
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .leftJoin(users, eq(users.id, leads.assigneeUserId))
    .where(
      and(
        inArray(
          leads.id,
          pageKeys.map((k) => k.id),
        ),
        leadScopeById(scope),
      ),
    )
    .all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = pageKeys.flatMap((k) => {
    const row = byId.get(k.id);
    return row ? [row] : [];
  });
  return { items, nextCursor };
}

/**
 * One page of the grid: filtered, sorted (ties broken on id) and paged by keyset, so a deep
 * page costs the same as the first. Throws InvalidCursorError for a cursor of another sort.
 */
export function listLeads(conn: Conn, { scope, filter }: { scope: Scope; filter: LeadListParams }) {
  return pageOfLeads(conn, { scope, filter });
}
export type LeadListRow = ReturnType<typeof listLeads>['items'][number];

/** The exact number of leads a filter matches, within scope. */
export function countLeads(
  conn: Conn,
  { scope, filter }: { scope: Scope; filter: LeadFilterParams },
): number {
  return countLeadsCapped(conn, { scope, filter, cap: Number.POSITIVE_INFINITY }).count;
}

/** The grid shows "10 000+" past this: counting further costs time and tells nobody much. */
export const LEAD_COUNT_CAP = 10_000;

/**
 * How many leads a filter matches, counted up to `cap`; `capped` says there are more. Cheap
 * where an exact count over a million rows is not: the count stops at cap + 1.
 */
export function countLeadsCapped(
  conn: Conn,
  { scope, filter, cap = LEAD_COUNT_CAP }: { scope: Scope; filter: LeadFilterParams; cap?: number },
): { count: number; capped: boolean } {
  const plan = planSearch(conn, scope, filter.search);
  // Counting wants the narrowest index, reading index entries only where it can.
  // Within a subsidiary the covering index leads_subsidiary_filter_idx holds every filter
  // column, so the scope stays index-eligible; a search id list drives on its own.
  const terms = filterTerms(scope, filter, { statusByRank: true });
  const conditions = terms.map((t) => (plan.kind === 'ids' && t.scopeLike ? t.hint : t.plain));
  const limited = (query: SQL) => {
    if (!Number.isFinite(cap))
      return conn.get<{ n: number }>(sql`select count(*) as n from (${query})`).n;
    return conn.get<{ n: number }>(sql`select count(*) as n from (${query} limit ${cap + 1})`).n;
  };
  let n: number;
  if (plan.kind === 'dense') {
    const onlyScope = terms.length === (scope.kind === 'all' ? 0 : 1);
    if (onlyScope) {
      // The scope is inside the match (scope token), so FTS alone counts, without reading
      // a single lead row; up to the cap when there is one.
      n = Number.isFinite(cap)
        ? conn.get<{ n: number }>(
            sql`select count(*) as n from (select rowid from leads_fts where leads_fts match ${plan.match} limit ${cap + 1})`,
          ).n
        : conn.get<{ n: number }>(
            sql`select count(*) as n from leads_fts where leads_fts match ${plan.match}`,
          ).n;
    } else {
      // Stream the matches and stop at the cap, instead of building the whole match set.
      n = limited(
        sql`select 1 from leads_fts cross join ${leads} on ${leads.id} = leads_fts.rowid
            where leads_fts match ${plan.match} and ${and(...conditions) ?? sql`1`}`,
      );
    }
  } else {
    n = limited(
      sql`select 1 from ${leads} where ${and(...conditions, searchCondition(plan)) ?? sql`1`}`,
    );
  }
  return Number.isFinite(cap) && n > cap
    ? { count: cap, capped: true }
    : { count: n, capped: false };
}

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

export function getLead(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  return conn
    .select({
      ...listColumns,
      message: leads.message,
      source: leads.source,
      policyVersionId: leads.policyVersionId,
      policyLabel: sql<
        string | null
      >`(select label from policy_versions where id = ${leads.policyVersionId})`,
      legalHoldReason: leads.legalHoldReason,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .leftJoin(users, eq(users.id, leads.assigneeUserId))
    .where(and(eq(leads.id, id), leadScopeById(scope)))
    .get();
}

/** Only for rows the caller already holds through getLead. */
export function getLeadHistory(conn: Conn, leadId: number) {
  const consent = conn
    .select({
      id: consentEvents.id,
      purpose: consentEvents.purpose,
      granted: consentEvents.granted,
      source: consentEvents.source,
      policyVersionId: consentEvents.policyVersionId,
      actorName: users.name,
      at: consentEvents.at,
    })
    .from(consentEvents)
    .leftJoin(users, eq(users.id, consentEvents.actorUserId))
    .where(eq(consentEvents.leadId, leadId))
    .orderBy(desc(consentEvents.id))
    .all();
  const activity = conn
    .select({
      id: leadActivities.id,
      kind: leadActivities.kind,
      body: leadActivities.body,
      fromValue: leadActivities.fromValue,
      toValue: leadActivities.toValue,
      // Assignee changes store user ids; the timeline shows names.
      fromUserName: sql<
        string | null
      >`case when ${leadActivities.kind} = 'assignee' then (select name from users where id = cast(${leadActivities.fromValue} as integer)) end`,
      toUserName: sql<
        string | null
      >`case when ${leadActivities.kind} = 'assignee' then (select name from users where id = cast(${leadActivities.toValue} as integer)) end`,
      actorUserId: leadActivities.actorUserId,
      actorName: users.name,
      at: leadActivities.at,
    })
    .from(leadActivities)
    .leftJoin(users, eq(users.id, leadActivities.actorUserId))
    .where(eq(leadActivities.leadId, leadId))
    .orderBy(desc(leadActivities.at), desc(leadActivities.id))
    .all();
  const disclosed = conn
    .select({
      id: disclosures.id,
      kind: disclosures.kind,
      subsidiaryId: disclosures.subsidiaryId,
      subsidiaryName: subsidiaries.name,
      at: disclosures.at,
    })
    .from(disclosures)
    .innerJoin(subsidiaries, eq(subsidiaries.id, disclosures.subsidiaryId))
    .where(eq(disclosures.leadId, leadId))
    .orderBy(asc(disclosures.at))
    .all();
  return { consent, activity, disclosures: disclosed };
}

/** The same person's other leads that this scope may see (normalised e-mail or phone). */
export function listRelatedLeads(
  conn: Conn,
  {
    scope,
    lead,
  }: { scope: Scope; lead: { id: number; email: string | null; phone: string | null } },
) {
  const match: SQL[] = [];
  if (lead.email) match.push(eq(leads.email, lead.email));
  if (lead.phone) match.push(eq(leads.phone, lead.phone));
  if (match.length === 0) return [];
  return conn
    .select({
      id: leads.id,
      projectName: projects.name,
      status: leads.status,
      createdAt: leads.createdAt,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .where(and(or(...match), ne(leads.id, lead.id), leadScopeById(scope)))
    .orderBy(desc(leads.id))
    .limit(50)
    .all();
}

export interface NewLead {
  projectId: number;
  subsidiaryId: number;
  name: string;
  email: string;
  phone: string;
  message: string | null;
  source: LeadSource;
  policyVersionId: number | null;
  idempotencyKey?: string | null;
  unsubscribeTokenHash?: string | null;
  createdAt: number;
}

const ph = sql.placeholder;

function setConsentColumn(conn: Conn, column: (typeof CONSENT_PURPOSE_COLUMNS)[ConsentPurpose]) {
  return conn
    .update(leads)
    .set({ [column]: sql`${ph('granted')}`, updatedAt: sql`${ph('at')}` })
    .where(eq(leads.id, ph('leadId')))
    .prepare();
}

const intakeStatements = preparedPerConnection((conn) => ({
  lead: conn
    .insert(leads)
    .values({
      projectId: ph('projectId'),
      subsidiaryId: ph('subsidiaryId'),
      name: ph('name'),
      email: ph('email'),
      phone: ph('phone'),
      message: ph('message'),
      source: ph('source'),
      policyVersionId: ph('policyVersionId'),
      idempotencyKey: ph('idempotencyKey'),
      unsubscribeTokenHash: ph('unsubscribeTokenHash'),
      createdAt: ph('createdAt'),
      statusChangedAt: ph('createdAt'),
      lastActivityAt: ph('createdAt'),
      updatedAt: ph('createdAt'),
    })
    .returning({ id: leads.id })
    .prepare(),
  disclosure: conn
    .insert(disclosures)
    .values({
      leadId: ph('leadId'),
      subsidiaryId: ph('subsidiaryId'),
      kind: 'intake',
      at: ph('at'),
    })
    .prepare(),
  consentEvent: conn
    .insert(consentEvents)
    .values({
      leadId: ph('leadId'),
      purpose: ph('purpose'),
      granted: ph('granted'),
      source: ph('source'),
      policyVersionId: ph('policyVersionId'),
      actorUserId: ph('actorUserId'),
      at: ph('at'),
    })
    .prepare(),
  // One per purpose: the column is part of the SQL. `set` takes no placeholders, so the
  // values go in as SQL params, already in the driver's form (booleans as 0/1).
  consentColumn: {
    marketing_email: setConsentColumn(conn, 'consentEmail'),
    marketing_sms: setConsentColumn(conn, 'consentSms'),
  } satisfies Record<ConsentPurpose, unknown>,
}));

/**
 * A lead and its disclosure to the project's subsidiary (call inside a transaction), and its
 * full-text row (migration 0007: no trigger writes it). `searchIndex: 'deferred'` leaves the
 * full-text row to the caller, who must call `indexLeadsForSearch` with the id in the same
 * transaction: intake does so once per batch, so FTS5 writes one segment per batch instead
 * of one per form.
 */
export function insertLead(
  conn: Conn,
  lead: NewLead,
  options: { searchIndex?: 'now' | 'deferred' } = {},
) {
  const q = intakeStatements(conn);
  const row = q.lead.get({
    ...lead,
    idempotencyKey: lead.idempotencyKey ?? null,
    unsubscribeTokenHash: lead.unsubscribeTokenHash ?? null,
  });
  if (!row) throw new Error('insert into leads returned no row');
  q.disclosure.run({ leadId: row.id, subsidiaryId: lead.subsidiaryId, at: lead.createdAt });
  if (options.searchIndex !== 'deferred') indexLeadsForSearch(conn, [row.id]);
  return row;
}

/**
 * Write the full-text rows of newly inserted leads, the same columns the update trigger
 * writes (the phone also without its country code; the subsidiary as the scope token).
 * Anonymised leads get no row. Call once per new lead, in the transaction that inserted it.
 */
export function indexLeadsForSearch(conn: Conn, ids: readonly number[]) {
  if (ids.length === 0) return;
  conn.run(
    sql`insert into leads_fts(rowid, name, email, phone, message, scope)
        select id, name, email, phone || ' ' || substr(phone, 4), message, 's' || subsidiary_id
        from leads where id in (select value from json_each(${JSON.stringify(ids)}))
        and anonymised_at is null`,
  );
}

/**
 * The one place consent changes: append the event and keep the lead's current-consent
 * column in step. Never updates or deletes an event.
 */
export function recordConsent(
  conn: Conn,
  e: {
    leadId: number;
    purpose: ConsentPurpose;
    granted: boolean;
    source: ConsentSource;
    policyVersionId: number | null;
    actorUserId: number | null;
    at: number;
  },
) {
  const q = intakeStatements(conn);
  q.consentEvent.run(e);
  q.consentColumn[e.purpose].run({ granted: e.granted ? 1 : 0, at: e.at, leadId: e.leadId });
}

export function leadIdsInScope(conn: Conn, scope: Scope, ids: number[]) {
  if (ids.length === 0) return [];
  return conn
    .select({ id: leads.id })
    .from(leads)
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .all()
    .map((r) => r.id);
}

// ---------------------------------------------------------------- review changes

/** What a change needs to know about a lead, within scope. */
export function leadsForUpdate(conn: Conn, { scope, ids }: { scope: Scope; ids: number[] }) {
  if (ids.length === 0) return [];
  return conn
    .select({
      id: leads.id,
      subsidiaryId: leads.subsidiaryId,
      status: leads.status,
      assigneeUserId: leads.assigneeUserId,
      restricted: leads.restricted,
      anonymisedAt: leads.anonymisedAt,
    })
    .from(leads)
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .all();
}
export type LeadForUpdate = ReturnType<typeof leadsForUpdate>[number];

/** An active user of the given subsidiary: the only people a lead there can go to. */
export function findAssignableUser(
  conn: Conn,
  { userId, subsidiaryId }: { userId: number; subsidiaryId: number },
) {
  return conn
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.subsidiaryId, subsidiaryId), eq(users.active, true)))
    .get();
}

/** Status change: the lead's clocks move, and the timeline gets who and when. */
export function setLeadStatus(
  conn: Conn,
  {
    lead,
    status,
    actorUserId,
  }: { lead: Pick<LeadForUpdate, 'id' | 'status'>; status: LeadStatus; actorUserId: number },
  now = Date.now(),
): boolean {
  if (lead.status === status) return false;
  conn
    .update(leads)
    .set({ status, statusChangedAt: now, lastActivityAt: now, updatedAt: now })
    .where(eq(leads.id, lead.id))
    .run();
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind: 'status',
      fromValue: lead.status,
      toValue: status,
      actorUserId,
      at: now,
    })
    .run();
  return true;
}

export function setLeadAssignee(
  conn: Conn,
  {
    lead,
    assigneeUserId,
    actorUserId,
  }: {
    lead: Pick<LeadForUpdate, 'id' | 'assigneeUserId'>;
    assigneeUserId: number | null;
    actorUserId: number;
  },
  now = Date.now(),
): boolean {
  if (lead.assigneeUserId === assigneeUserId) return false;
  conn.update(leads).set({ assigneeUserId, updatedAt: now }).where(eq(leads.id, lead.id)).run();
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind: 'assignee',
      fromValue: lead.assigneeUserId === null ? null : String(lead.assigneeUserId),
      toValue: assigneeUserId === null ? null : String(assigneeUserId),
      actorUserId,
      at: now,
    })
    .run();
  return true;
}

export function addLeadNote(
  conn: Conn,
  { leadId, body, actorUserId }: { leadId: number; body: string; actorUserId: number },
  now = Date.now(),
) {
  conn.update(leads).set({ updatedAt: now }).where(eq(leads.id, leadId)).run();
  return conn
    .insert(leadActivities)
    .values({ leadId, kind: 'note', body, actorUserId, at: now })
    .returning({ id: leadActivities.id })
    .get();
}
