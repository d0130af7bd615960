import type { AuditListInput } from '@mg/shared';
import { and, desc, eq, gte, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../client';
import { accessLog, accessLogTargets, users } from '../schema';

/** Newest first, keyset on id. Target ids are returned as numbers, never as names. */
export function listAccessLog(conn: Conn, filter: AuditListInput) {
  const conditions: (SQL | undefined)[] = [];
  if (filter.actorUserId) conditions.push(eq(accessLog.actorUserId, filter.actorUserId));
  if (filter.action) conditions.push(eq(accessLog.action, filter.action));
  if (filter.targetType) conditions.push(eq(accessLog.targetType, filter.targetType));
  if (filter.outcome) conditions.push(eq(accessLog.outcome, filter.outcome));
  if (filter.from) conditions.push(gte(accessLog.at, Date.parse(filter.from)));
  if (filter.to) conditions.push(lte(accessLog.at, Date.parse(filter.to)));
  if (filter.targetId) {
    const entryIds = conn
      .select({ id: accessLogTargets.entryId })
      .from(accessLogTargets)
      .where(
        and(
          eq(accessLogTargets.targetId, filter.targetId),
          filter.targetType ? eq(accessLogTargets.targetType, filter.targetType) : undefined,
        ),
      );
    conditions.push(inArray(accessLog.id, entryIds));
  }
  if (filter.cursor) conditions.push(lt(accessLog.id, filter.cursor));
  const rows = conn
    .select({
      id: accessLog.id,
      at: accessLog.at,
      actorUserId: accessLog.actorUserId,
      actorName: users.name,
      actorRole: accessLog.actorRole,
      action: accessLog.action,
      purpose: accessLog.purpose,
      targetType: accessLog.targetType,
      targetIds: accessLog.targetIds,
      targetCount: accessLog.targetCount,
      outcome: accessLog.outcome,
      requestId: accessLog.requestId,
      ip: accessLog.ip,
      userAgent: accessLog.userAgent,
      detail: accessLog.detail,
    })
    .from(accessLog)
    .leftJoin(users, eq(users.id, accessLog.actorUserId))
    .where(and(...conditions))
    .orderBy(desc(accessLog.id))
    .limit(filter.limit + 1)
    .all();
  const hasMore = rows.length > filter.limit;
  const items = (hasMore ? rows.slice(0, filter.limit) : rows).map((r) => ({
    ...r,
    targetIds: r.targetIds ? (JSON.parse(r.targetIds) as number[]) : [],
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
  }));
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}

/**
 * The distinct actions in the log, in order. A skip-scan over access_log_action_idx: each
 * step is one index seek to the next larger action, so the cost grows with the number of
 * actions (tens), not with the log (millions), where `SELECT DISTINCT` read every entry.
 */
export function listAuditActions(conn: Conn) {
  return conn
    .all<{ action: string }>(
      sql`with recursive next(action) as (
            select min(action) from access_log
            union all
            select (select min(action) from access_log where action > next.action)
            from next where next.action is not null)
          select action from next where action is not null`,
    )
    .map((r) => r.action);
}
