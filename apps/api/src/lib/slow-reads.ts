import {
  type Conn,
  countAudience,
  countLeadsCapped,
  countWorkableLeads,
  type DashboardParams,
  type DashboardSummary,
  type Db,
  dashboardSummary,
  InvalidCursorError,
  listAudienceIds,
  listLeads,
} from '@mg/db';
import {
  type ConsentPurpose,
  isGroupSort,
  type LeadFilterParams,
  type LeadListParams,
  leadStatusesOf,
  type Scope,
} from '@mg/shared';
import type { LeadCountArgs } from '../jobs/read-jobs';
import type { Context } from './context-types';

/**
 * The reads that may walk a large share of the leads at a million (decision 022): the
 * audience count and id list, the dashboard (up to five years of weeks), and the grid's
 * capped count (a filter that few leads pass, or a search sorted against a common word,
 * counts by reading most of a million rows before it knows: 300–850 ms at 1M). The API runs
 * them in worker threads, each on its own read-only connection, and the request awaits the
 * answer while the event loop serves other requests (issue 10: no request holds it longer
 * than ~200 ms). Access-log entries stay on the request thread's connection.
 */
export interface SlowReads {
  audienceCount(args: { scope: Scope; purpose: ConsentPurpose }): Promise<number>;
  /**
   * The audience's lead ids, newest first, as a Float64Array: from a worker the buffer is moved
   * to the request thread, not copied, and never becomes a JS array of ~280k numbers there
   * (structured clone and old-space garbage on the thread that serves requests, issue 10).
   */
  audienceIds(args: { scope: Scope; purpose: ConsentPurpose }): Promise<Float64Array>;
  dashboard(params: DashboardParams): Promise<DashboardSummary>;
  leadCount(args: LeadCountArgs): Promise<{ count: number; capped: boolean }>;
  /** A grid page that may walk much of the table (see `pageReadsOffThread`). */
  leadPage(args: { scope: Scope; filter: LeadListParams }): Promise<SearchPage>;
}

/** A grid page, or the cursor was not one of this sort (the router answers 400). */
export type SearchPage = { page: ReturnType<typeof listLeads> } | { invalidCursor: true };

/**
 * A grid page, for a search: a dense one (a common word) sorted by name or e-mail walks the
 * sort index against the whole match set, 100–250 ms of CPU at 1M (decision 018, not solved
 * there), so searches run in a worker, and the ids shown are logged on the request thread.
 */
export function searchPage(conn: Conn, args: { scope: Scope; filter: LeadListParams }): SearchPage {
  try {
    return { page: listLeads(conn, args) };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { invalidCursor: true };
    throw error;
  }
}

/**
 * Which grid pages are read in a worker, so that none holds the event loop (issue 10):
 * - a search (above);
 * - a project or assignee sort narrowed by status: that sort walks the groups in name order
 *   and each group's leads, so a status that few of the groups' leads have makes it pass
 *   nearly every lead before the page fills (the assignee sort with "new" over all
 *   subsidiaries: ~1.7 s of CPU at 1M, decision 030);
 * - two or more filters besides the subsidiary: their plans rest on estimates of how the
 *   columns go together, and the misses cost 20–50 ms of CPU at 1M (a wide date range under
 *   the name sort walks past the ~35k anonymised leads; an assignee's ~6,000 rows sorted by
 *   status; a group sort narrowed by the other group), 140–160 ms blocks on the loaded machine
 *   (decision 043);
 * - a date range under another sort than created time: the sort index is walked past every
 *   lead outside the range (a status or last-activity sort with a range 62–90 days back:
 *   150–180 ms, decision 030).
 * Every other page (no filter, one filter, a range sorted by created time: p95 about 15 ms
 * at 1M) is read in its entry's own transaction on the request thread: a worker's hop costs
 * ~0.75 ms of CPU per page (decision 043).
 */
export function pageReadsOffThread(filter: LeadFilterParams): boolean {
  if (filter.search) return true;
  const sort = filter.sort ?? 'createdAt';
  const statuses = leadStatusesOf(filter).length;
  if (isGroupSort(sort) && statuses > 0) return true;
  const ranged = filter.from !== undefined || filter.to !== undefined;
  if (ranged && sort !== 'createdAt') return true;
  return gridFilterCount(filter) >= 2;
}

/**
 * How many filters narrow the page besides the subsidiary (a subsidiary filter is the scope a
 * subsidiary user has anyway): each consent purpose asked for counts, a date range once.
 */
export function gridFilterCount(filter: LeadFilterParams): number {
  const purposes = new Set(
    Object.entries(filter.consents ?? {})
      .filter(([, granted]) => granted !== undefined)
      .map(([purpose]) => purpose),
  );
  if (filter.consent) purposes.add(filter.consent);
  const set = [
    filter.projectId,
    leadStatusesOf(filter).length > 0 ? true : undefined,
    filter.from ?? filter.to,
    filter.assigneeUserId,
    filter.restricted,
    filter.legalHold,
    filter.anonymised,
  ].filter((v) => v !== undefined).length;
  return set + purposes.size;
}

/** The grid's count (capped) or, with `workableCap`, the bulk change's: the same in both paths. */
export function countForGrid(conn: Conn, { scope, filter, workableCap }: LeadCountArgs) {
  return workableCap === undefined
    ? countLeadsCapped(conn, { scope, filter })
    : countWorkableLeads(conn, { scope, filter, cap: workableCap });
}

/**
 * The same reads on the calling thread: for an in-memory database (another thread cannot
 * open it) and for the router tests (a worker per test database would only slow them down;
 * read-workers.test.ts holds the two paths to the same answers). Each read in one
 * transaction, one snapshot, as the worker's.
 */
export function inThreadReads(db: Db): SlowReads {
  return {
    audienceCount: async (args) => db.transaction((tx) => countAudience(tx, args)),
    audienceIds: async (args) =>
      db.transaction((tx) => Float64Array.from(listAudienceIds(tx, args))),
    dashboard: async (params) => db.transaction((tx) => dashboardSummary(tx, params)),
    leadCount: async (args) => db.transaction((tx) => countForGrid(tx, args)),
    leadPage: async (args) => db.transaction((tx) => searchPage(tx, args)),
  };
}

/** The context's slow reads: its workers, or the calling thread when it has none. */
export function readsOf(ctx: Pick<Context, 'db' | 'reads'>): SlowReads {
  return ctx.reads ?? inThreadReads(ctx.db);
}
