import { AUDIT_TARGET_TYPES, type AuditListInput } from '@mg/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../client';

/** The newest entries a summary reads at most: the rest is reported as left out. */
export const AUDIT_SUMMARY_SCAN = 50_000;
/** The most groups a summary returns (one per person and purpose, or action and purpose). */
export const AUDIT_SUMMARY_GROUPS = 100;

export type AuditSummaryFilter = Omit<AuditListInput, 'cursor' | 'limit'>;

export interface AuditSummaryGroup {
  actorUserId: number | null;
  actorName: string | null;
  actorRole: string | null;
  /** Actor summaries: the action of the group. Target summaries: null (see `actions`). */
  action: string | null;
  /** The distinct actions in the group, in order. */
  actions: string[];
  purpose: string | null;
  outcome: 'ok' | 'denied' | 'error';
  targetType: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface AuditSummary {
  /** 'target': who touched one record; 'actor': what one user did. */
  by: 'target' | 'actor';
  groups: AuditSummaryGroup[];
  /** Entries summed up (at most AUDIT_SUMMARY_SCAN). */
  entries: number;
  /** More entries match than were read: the summary covers the newest ones. */
  truncated: boolean;
  /** More groups than returned. */
  moreGroups: boolean;
}

/** The entry-level conditions of the list's filter, on `access_log a`. */
function entryConditions(f: AuditSummaryFilter): SQL[] {
  const c: SQL[] = [];
  if (f.actorUserId) c.push(sql`a.actor_user_id = ${f.actorUserId}`);
  if (f.action) c.push(sql`a.action = ${f.action}`);
  if (f.outcome) c.push(sql`a.outcome = ${f.outcome}`);
  if (f.from) c.push(sql`a.at >= ${Date.parse(f.from)}`);
  if (f.to) c.push(sql`a.at <= ${Date.parse(f.to)}`);
  return c;
}

const and = (parts: SQL[]) => (parts.length === 0 ? sql`1` : sql.join(parts, sql` and `));

/**
 * The ids of the newest matching entries, read through an index: for one target through
 * access_log_targets_idx (type, id, entry), for one actor through access_log_actor_idx
 * (actor, id). One more than the cap is read, to tell whether anything was left out.
 */
function pickedEntries(
  f: AuditSummaryFilter & ({ targetId: number } | { actorUserId: number }),
  scan: number,
) {
  const entry = entryConditions(f);
  if (f.targetId) {
    const types = f.targetType ? [f.targetType] : [...AUDIT_TARGET_TYPES];
    const typeIn = sql.join(
      types.map((type) => sql`${type}`),
      sql`, `,
    );
    return sql`select t.entry_id as id from access_log_targets t
      join access_log a on a.id = t.entry_id
      where t.target_type in (${typeIn}) and t.target_id = ${f.targetId} and ${and(entry)}
      order by t.entry_id desc limit ${scan + 1}`;
  }
  const typed = f.targetType ? [...entry, sql`a.target_type = ${f.targetType}`] : entry;
  return sql`select a.id as id from access_log a where ${and(typed)}
    order by a.id desc limit ${scan + 1}`;
}

type Row = {
  actorUserId: number | null;
  actorName: string | null;
  actorRole: string | null;
  action: string | null;
  actions: string | null;
  purpose: string | null;
  outcome: 'ok' | 'denied' | 'error';
  targetType: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
};

/**
 * The two statements of a summary: how many entries match (capped), and the groups. Exported
 * so a test can EXPLAIN exactly what runs. Null without a target or an actor filter.
 */
export function auditSummarySql(filter: AuditSummaryFilter, scan = AUDIT_SUMMARY_SCAN) {
  const { targetId, actorUserId } = filter;
  let by: AuditSummary['by'];
  let picked: SQL;
  if (targetId) {
    by = 'target' as const;
    picked = pickedEntries({ ...filter, targetId }, scan);
  } else if (actorUserId) {
    by = 'actor' as const;
    picked = pickedEntries({ ...filter, actorUserId }, scan);
  } else return null;

  const count = sql`select count(*) as n from (${picked}) p`;
  const scoped = sql`select id from (${picked}) p order by id desc limit ${scan}`;
  const keys =
    by === 'target'
      ? sql`a.actor_user_id, a.actor_role, a.purpose, a.outcome`
      : sql`a.action, a.purpose, a.outcome, a.target_type`;
  const columns =
    by === 'target'
      ? sql`a.actor_user_id, a.actor_role, null as action,
            group_concat(distinct a.action) as actions, a.purpose, a.outcome, null as target_type`
      : sql`${actorUserId ?? null} as actor_user_id, max(a.actor_role) as actor_role, a.action,
            a.action as actions, a.purpose, a.outcome, a.target_type`;
  const groups = sql`
    select g.actor_user_id as actorUserId, u.name as actorName, g.actor_role as actorRole,
           g.action as action, g.actions as actions, g.purpose as purpose, g.outcome as outcome,
           g.target_type as targetType, g.n as count, g.first_at as firstAt, g.last_at as lastAt
    from (
      select ${columns}, count(*) as n, min(a.at) as first_at, max(a.at) as last_at
      from access_log a
      where a.id in (${scoped})
      group by ${keys}
    ) g
    left join users u on u.id = g.actor_user_id
    order by g.last_at desc, g.n desc
    limit ${AUDIT_SUMMARY_GROUPS + 1}`;
  return { by, count, groups };
}

/**
 * A summary above the raw entries, for one record (who, how many times, first and last, for
 * what purpose, with what outcome) or for one user (what they did, per action and purpose).
 * Grouped in SQL over at most AUDIT_SUMMARY_SCAN newest entries found by index, so a lead
 * that appears on a thousand list pages costs a bounded read. No target filter and no actor
 * filter: null (a summary of the whole log is not what this answers).
 */
export function summariseAccessLog(
  conn: Conn,
  filter: AuditSummaryFilter,
  /** The cap on entries read; smaller only in tests. */
  scan = AUDIT_SUMMARY_SCAN,
): AuditSummary | null {
  const statements = auditSummarySql(filter, scan);
  if (!statements) return null;
  const [{ n = 0 } = {}] = conn.all<{ n: number }>(statements.count);
  const rows = conn.all<Row>(statements.groups);
  const groups = rows.slice(0, AUDIT_SUMMARY_GROUPS).map((r) => ({
    ...r,
    actions: r.actions ? [...new Set(r.actions.split(','))].sort() : [],
  }));
  return {
    by: statements.by,
    groups,
    entries: Math.min(n, scan),
    truncated: n > scan,
    moreGroups: rows.length > AUDIT_SUMMARY_GROUPS,
  };
}
