import type { LeadGroupPosition, LeadGroupSort, SortDirection } from '@mg/shared';
import { and, type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../client';
import { nameSortSql } from '../../schema/name-sort';
import type { Term } from './grid-plan';
import { type SearchPlan, searchCondition, searchWalkCondition } from './search';

/**
 * The project and assignee sorts (decision 015): leads ordered by the project's (assignee's)
 * name key, then its id, then received newest first and id, in both directions; leads
 * without an assignee come last in either direction.
 *
 * No column of `leads` holds that order, so the page is a walk of two indexes: the outer
 * loop reads projects (users) in name order from an expression index, the inner loop each
 * one's leads from (project_id|assignee_user_id, created_at, id), with the subsidiary in
 * front for a scoped caller. SQLite then satisfies the ORDER BY from the loops themselves,
 * with no temporary B-tree, and a page stops after `limit` rows however many leads match.
 * The cursor carries (name key, group id, created at, lead id); a page after it is at most
 * three statements: the rest of the cursor's group, the groups after it, and (assignee)
 * the unassigned leads.
 *
 * A search's id list, a rare flag (restricted, legal hold, anonymised) or the other group
 * (a project under the assignee sort, an assignee under the project sort) narrows the rows
 * more than any walk could: those are read through their own index and sorted, as every
 * other sort does with them.
 */

export interface GroupKey {
  id: number;
  sortValue: LeadGroupPosition;
}

const GROUPS = {
  project: {
    table: sql.raw('"projects"'),
    id: sql.raw('"projects"."id"'),
    nameKey: sql.raw(nameSortSql('"projects"."name"')),
    leadColumn: sql.raw('"leads"."project_id"'),
  },
  assignee: {
    table: sql.raw('"users"'),
    id: sql.raw('"users"."id"'),
    nameKey: sql.raw(nameSortSql('"users"."name"')),
    leadColumn: sql.raw('"leads"."assignee_user_id"'),
  },
} as const;

const CREATED = sql.raw('"leads"."created_at"');
const ID = sql.raw('"leads"."id"');

interface GroupPageInput {
  sort: LeadGroupSort;
  dir: SortDirection;
  /** limit + 1: one more than a page, so the caller knows whether another follows. */
  want: number;
  after: { position: LeadGroupPosition; id: number } | null;
  terms: Term[];
  plan: SearchPlan;
  extra?: SQL;
  /** The status filter's ranks, when there is one (see `assignedWithStatus`). */
  statusRanks?: readonly number[];
  /** The one subsidiary the page is in (the caller's scope or a filter), if any. */
  subsidiaryId?: number;
}

/** Up to `want` lead ids in the sort's order, each with its position for a cursor. */
export function groupSortKeys(conn: Conn, input: GroupPageInput): GroupKey[] {
  const { terms, plan } = input;
  const drivers = terms.filter((t) => t.driver);
  // A driver the walk's inner index cannot serve (a rare flag; the other group: an assignee
  // under the project sort, a project under the assignee sort), or a search's id list. The
  // other group hinted, the walk read every lead of each group it passed until a page was
  // full: 0.2–0.9 s at 1M. Read by its own index and sorted, as the other sorts do with it.
  const narrowed =
    plan.kind === 'ids' ||
    drivers.some((t) => t.kind === undefined || (t.kind !== 'range' && t.kind !== input.sort));
  return narrowed ? sortedKeys(conn, input) : walkKeys(conn, input);
}

/** The index walk: the groups in name order, each one's leads newest first. */
function walkKeys(conn: Conn, input: GroupPageInput): GroupKey[] {
  const { sort, dir, want, after, terms, plan, extra } = input;
  const group = GROUPS[sort];
  // Scope, subsidiary, date range and the sort's own group are columns of the inner index;
  // every other term is hinted so it cannot pull the inner loop onto another index.
  const conditions = terms.map((t) =>
    t.scopeLike || t.kind === 'range' || t.kind === sort ? t.plain : t.hint,
  );
  const common = and(...conditions, searchWalkCondition(plan), extra);
  // The filter may name the one group (project = 3, or the assignee sort's own assignee).
  const pinned = pinnedGroup(input);
  const keys: GroupKey[] = [];
  const cursorGroup = after?.position[1];

  // 1. The rest of the cursor's group, from leads alone: (group, created_at, id) < cursor.
  if (after && cursorGroup !== undefined && cursorGroup > 0) {
    const [nameKey, groupId, createdAt] = after.position;
    const rows = conn.all<{ id: number; createdAt: number }>(
      sql`select ${ID} as id, ${CREATED} as createdAt from "leads"
          where ${group.leadColumn} = ${groupId} and (${CREATED}, ${ID}) < (${createdAt}, ${after.id})
            and ${common ?? sql`1`}
          order by ${CREATED} desc, ${ID} desc limit ${want}`,
    );
    for (const r of rows) keys.push({ id: r.id, sortValue: [nameKey, groupId, r.createdAt] });
  }

  // 2. The groups after the cursor's (all of them on a first page), in name order.
  // Asked last, so a page that step 1 filled, or that starts among the unassigned, asks nothing.
  const noGroupCanMatch = () =>
    sort === 'assignee' && (pinned === 'none' || !assignedWithStatus(conn, input));
  if (keys.length < want && !(after && cursorGroup === 0) && !noGroupCanMatch()) {
    const op = dir === 'asc' ? sql.raw('>') : sql.raw('<');
    const opOrEqual = dir === 'asc' ? sql.raw('>=') : sql.raw('<=');
    const from = after
      ? sql`${group.nameKey} ${opOrEqual} ${after.position[0]}
            and (${group.nameKey} ${op} ${after.position[0]} or ${group.id} ${op} ${after.position[1]})
            and ${group.id} <> ${after.position[1]}`
      : sql`1`;
    const order = dir === 'asc' ? sql.raw('asc') : sql.raw('desc');
    // CROSS JOIN keeps the group table as the outer loop: SQLite never reorders it.
    const rows = conn.all<{ id: number; nameKey: string; groupId: number; createdAt: number }>(
      sql`select ${ID} as id, ${group.nameKey} as nameKey, ${group.id} as groupId,
                 ${CREATED} as createdAt
          from ${group.table} cross join "leads" on ${group.leadColumn} = ${group.id}
          where ${from} ${typeof pinned === 'number' ? sql`and ${group.id} = ${pinned}` : sql``}
            and ${common ?? sql`1`}
          order by ${group.nameKey} ${order}, ${group.id} ${order}, ${CREATED} desc, ${ID} desc
          limit ${want - keys.length}`,
    );
    for (const r of rows) keys.push({ id: r.id, sortValue: [r.nameKey, r.groupId, r.createdAt] });
  }

  // 3. Assignee sort: the leads nobody has, last in either direction.
  if (keys.length < want && sort === 'assignee' && typeof pinned !== 'number') {
    const inGroup =
      after && cursorGroup === 0
        ? sql`and (${CREATED}, ${ID}) < (${after.position[2]}, ${after.id})`
        : sql``;
    const rows = conn.all<{ id: number; createdAt: number }>(
      sql`select ${ID} as id, ${CREATED} as createdAt from "leads"
          where ${group.leadColumn} is null ${inGroup} and ${common ?? sql`1`}
          order by ${CREATED} desc, ${ID} desc limit ${want - keys.length}`,
    );
    for (const r of rows) keys.push({ id: r.id, sortValue: ['', 0, r.createdAt] });
  }
  return keys;
}

/**
 * Whether any lead of the filter's statuses has an assignee (in the page's subsidiary, or in
 * any): seeks of (subsidiary_id, status_rank, assignee_user_id) in leads_subsidiary_filter_idx,
 * ~0.03 ms over 30 subsidiaries at 1M. When none has, the walk of step 2 can only pass leads
 * to reject: "new" before anyone takes it, sorted by assignee, read all 555k assigned leads
 * (100–120 ms) before the unassigned ones. True without a status filter.
 */
function assignedWithStatus(conn: Conn, input: GroupPageInput): boolean {
  const ranks = input.statusRanks;
  if (!ranks || ranks.length === 0) return true;
  const inScope = input.subsidiaryId === undefined ? sql`1` : sql`s.id = ${input.subsidiaryId}`;
  return (
    conn.get<{ found: number }>(
      sql`select exists (select 1 from "subsidiaries" s where ${inScope} and exists (
            select 1 from "leads" where "leads"."subsidiary_id" = s.id
              and "leads"."status_rank" in (${sql.join(
                ranks.map((r) => sql`${r}`),
                sql`, `,
              )})
              and "leads"."assignee_user_id" is not null)) as found`,
    ).found === 1
  );
}

/** The one group the filter allows, 'none' for "unassigned" (assignee sort), else null. */
function pinnedGroup({ sort, terms }: GroupPageInput): number | 'none' | null {
  return terms.find((t) => t.kind === sort)?.group ?? null;
}

/**
 * A search id list or a rare flag drives; the rows it gives are sorted. By each group's rank,
 * numbered once from the group table (300 projects, ~100 users): the name key written per lead
 * row (lower() and six replace()s) cost more than the sort itself, 44 → 18 ms for the 35k
 * anonymised leads by project at 1M.
 */
function sortedKeys(conn: Conn, input: GroupPageInput): GroupKey[] {
  const { sort, dir, want, after, terms, plan, extra } = input;
  const group = GROUPS[sort];
  const drivers = terms.filter((t) => t.driver);
  const byIds = plan.kind === 'ids';
  // As in grid.ts: next to a driver whose index lacks the subsidiary, the scope is hinted.
  const hintScope = byIds || drivers.some((t) => !t.withScope);
  const conditions = terms.map((t) => {
    if (t.driver) return t.plain;
    if (t.scopeLike) return hintScope ? t.hint : t.plain;
    return t.hint;
  });
  const op = dir === 'asc' ? sql.raw('>') : sql.raw('<');
  const order = dir === 'asc' ? sql.raw('asc') : sql.raw('desc');
  const createdBefore = (createdAt: number, id: number) =>
    sql`(+${CREATED} < ${createdAt} or (+${CREATED} = ${createdAt} and +${ID} < ${id}))`;
  let from: SQL = sql`1`;
  if (after) {
    const [nameKey, groupId, createdAt] = after.position;
    from =
      groupId === 0
        ? sql`(+${group.leadColumn} is null and ${createdBefore(createdAt, after.id)})`
        : sql`((+${group.leadColumn} = ${groupId} and ${createdBefore(createdAt, after.id)})
              or (g.id is not null and g.id <> ${groupId}
                  and (g.k ${op} ${nameKey} or (g.k = ${nameKey} and g.id ${op} ${groupId})))
              ${sort === 'assignee' ? sql`or +${group.leadColumn} is null` : sql``})`;
  }
  // leads first (CROSS / LEFT JOIN keep it the outer loop), so the driver's index reads them.
  const join =
    sort === 'assignee'
      ? sql`"leads" left join g on g.id = ${group.leadColumn}`
      : sql`"leads" cross join g on g.id = ${group.leadColumn}`;
  const rows = conn.all<{
    id: number;
    nameKey: string | null;
    groupId: number | null;
    createdAt: number;
  }>(
    sql`with g(id, k, pos) as materialized (
          select ${group.id}, ${group.nameKey},
                 row_number() over (order by ${group.nameKey}, ${group.id})
          from ${group.table})
        select ${ID} as id, g.k as nameKey, g.id as groupId, ${CREATED} as createdAt
        from ${join}
        where ${and(...conditions, searchCondition(plan), extra, from) ?? sql`1`}
        order by g.pos is null, g.pos ${order}, ${CREATED} desc, ${ID} desc
        limit ${want}`,
  );
  return rows.map((r) => ({
    id: r.id,
    sortValue:
      r.groupId === null ? ['', 0, r.createdAt] : [r.nameKey ?? '', r.groupId, r.createdAt],
  }));
}
