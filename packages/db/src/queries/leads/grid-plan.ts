import {
  addDays,
  CONSENT_PURPOSES,
  type ConsentPurpose,
  LEAD_STATUS_RANK,
  type LeadFilterParams,
  leadStatusesOf,
  osloDayStart,
  type Scope,
} from '@mg/shared';
import { and, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { CONSENT_PURPOSE_COLUMNS, leads } from '../../schema';

/**
 * One filter term, written two ways: `plain` lets SQLite use an index for it, `hint` (unary +
 * on the column) keeps SQLite from choosing an index because of it. SQLite without
 * statistics takes any equality as selective, so "status = 'new'" (a fifth of all leads)
 * would win over walking the sort index and end in sorting 200k rows. We know better which
 * terms narrow the rows enough to drive a query: the `driver` ones.
 */
export interface Term {
  plain: SQL;
  hint: SQL;
  driver: boolean;
  /** Scope-like terms (the caller's scope, a subsidiary filter) pair with composite indexes. */
  scopeLike?: boolean;
  /** A driver whose index starts with subsidiary_id, so it works with the scope. */
  withScope?: boolean;
  /** Whether the driver's index gives createdAt order: always, or with a subsidiary prefix. */
  createdOrder?: 'always' | 'scoped';
  /**
   * What the term filters on, where a plan needs more than driver or not: the project and
   * assignee sorts walk (project|assignee, created_at) indexes, which serve a project or
   * assignee equality and a date range as well (grid-group-sort.ts).
   */
  kind?: 'project' | 'assignee' | 'range';
  /** For project and assignee terms: the id asked for, or 'none' (no assignee). */
  group?: number | 'none';
  /**
   * The status written on its rank (the status sort's own key): plain while the status index
   * is walked, hinted when another term drives and its rows are sorted.
   */
  rank?: boolean;
  /**
   * Its index holds every column a page filters and sorts on (anonymised leads; a project or
   * an assignee since decision 050), so sorting its rows never reads the table.
   */
  covering?: boolean;
  /**
   * About how many of the scope's leads pass this term (0–1). Only a plan *choice* rests on it
   * (grid.ts: walk the sort index against a driver's ids, or sort the driver's rows); every
   * plan returns the same rows.
   */
  share?: number;
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
        share: 0.01,
      })
    : term(sql`${column} = 0`, sql`+${column} = 0`, false, { share: 1 });
const nullTerm = (
  column: SQLiteColumn,
  isNullValue: boolean,
  driver: boolean,
  share: number,
  notNullIndex: Partial<Term> = {},
) =>
  isNullValue
    ? term(sql`${column} is null`, sql`+${column} is null`, driver, { share })
    : term(sql`${column} is not null`, sql`+${column} is not null`, driver, {
        createdOrder: 'always',
        share: 1 - share,
        ...notNullIndex,
      });

/**
 * A created-at range this short is selective enough to drive a page in another sort's order
 * (its rows are then sorted). Last activity and status follow created time, so walking their
 * index past a range in the past is long; a name or e-mail order is independent of it, and
 * there a walk reads ~730/days index entries per row while a driver sorts ~1400 rows a day
 * (1M leads over two years): 62 days meant sorting 85k rows (75 ms), so only a few days drive.
 */
const NARROW_RANGE_DAYS = 62;
const NARROW_RANGE_DAYS_UNRELATED_SORT = 5;

/** Everything but the search: the scope and the column filters, as terms. */
export function filterTerms(
  scope: Scope,
  filter: LeadFilterParams,
  options: { statusByRank?: boolean; sort?: string; rangeMayDrive?: boolean } = {},
): Term[] {
  const terms: Term[] = [];
  if (scope.kind === 'subsidiary')
    terms.push(
      eqTerm(leads.subsidiaryId, scope.subsidiaryId, false, { scopeLike: true, share: 1 }),
    );
  if (filter.subsidiaryId)
    terms.push(
      eqTerm(leads.subsidiaryId, filter.subsidiaryId, false, { scopeLike: true, share: 1 }),
    );
  if (filter.projectId)
    terms.push(
      eqTerm(leads.projectId, filter.projectId, true, {
        createdOrder: 'always',
        kind: 'project',
        group: filter.projectId,
        share: 0.1,
        covering: true,
      }),
    );
  const statuses = leadStatusesOf(filter);
  if (statuses.length === 1 && statuses[0] !== undefined) {
    const only = statuses[0];
    terms.push(
      options.statusByRank
        ? eqTerm(leads.statusRank, LEAD_STATUS_RANK[only], false, {
            scopeLike: true,
            rank: true,
            share: 0.2,
          })
        : // Hinted on the rank: the sort indexes hold it, not the status text (decision 050).
          term(
            sql`${leads.status} = ${only}`,
            sql`+${leads.statusRank} = ${LEAD_STATUS_RANK[only]}`,
            false,
            { share: 0.2 },
          ),
    );
  } else if (statuses.length > 1) {
    // Several statuses: a set, never a driver (together they are most of the leads).
    const ranks = statuses.map((s) => LEAD_STATUS_RANK[s]);
    const share = Math.min(1, statuses.length / 5);
    terms.push(
      options.statusByRank
        ? term(inArray(leads.statusRank, ranks), sql`+${leads.statusRank} in ${ranks}`, false, {
            scopeLike: true,
            rank: true,
            share,
          })
        : term(inArray(leads.status, statuses), sql`+${leads.statusRank} in ${ranks}`, false, {
            share,
          }),
    );
  }
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
              { share: 0.5 },
            )
          : term(
              sql`${leads[CONSENT_PURPOSE_COLUMNS[purpose]]} = 0`,
              sql`+${leads[CONSENT_PURPOSE_COLUMNS[purpose]]} = 0`,
              false,
              { share: 0.5 },
            ),
      );
  }
  if (filter.from || filter.to) {
    const start = filter.from ? osloDayStart(filter.from) : null;
    const end = filter.to ? osloDayStart(addDays(filter.to, 1)) : null;
    const days = ((end ?? Date.now()) - (start ?? 0)) / 86_400_000;
    // Sorted by created time, any range drives: it bounds the walk of the very index that
    // gives the order (a 90-day range hinted away walked everything after it: 90 ms at 1M).
    const narrowDays =
      options.sort === 'name' || options.sort === 'email'
        ? NARROW_RANGE_DAYS_UNRELATED_SORT
        : NARROW_RANGE_DAYS;
    const narrow =
      (start !== null && days <= narrowDays) ||
      (options.sort === 'createdAt' && options.rangeMayDrive === true);
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
      term(parts(false), parts(true), narrow, {
        withScope: true,
        createdOrder: 'always',
        kind: 'range',
        // Leads over about two years; a range into the future or the past holds fewer.
        share: Math.min(1, Math.max(0.002, days / 730)),
      }),
    );
  }
  if (filter.assigneeUserId === 'unassigned')
    terms.push({
      ...nullTerm(leads.assigneeUserId, true, false, 0.4),
      kind: 'assignee',
      group: 'none',
      covering: true,
    });
  else if (filter.assigneeUserId)
    terms.push(
      eqTerm(leads.assigneeUserId, filter.assigneeUserId, true, {
        createdOrder: 'always',
        kind: 'assignee',
        group: filter.assigneeUserId,
        share: 0.02,
        covering: true,
      }),
    );
  if (filter.restricted !== undefined) terms.push(flagTerm(leads.restricted, filter.restricted));
  if (filter.legalHold !== undefined) terms.push(flagTerm(leads.legalHold, filter.legalHold));
  if (filter.anonymised !== undefined)
    terms.push(
      // leads_anonymised_cover_idx: (subsidiary_id, created_at, id, ...every grid column).
      nullTerm(leads.anonymisedAt, !filter.anonymised, filter.anonymised, 0.97, {
        withScope: true,
        createdOrder: 'scoped',
        covering: true,
      }),
    );
  return terms;
}
