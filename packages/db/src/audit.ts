import { createHash } from 'node:crypto';
import type { AuditOutcome, AuditPurpose, AuditTargetType } from '@mg/shared';
import { desc, gt, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection } from './client';
import { accessLog, accessLogTargets } from './schema';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actorUserId?: number | null;
  actorRole?: string | null;
  action: string;
  purpose?: AuditPurpose | null;
  targetType?: AuditTargetType | null;
  targetIds?: readonly number[] | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Non-personal detail only: filter keys, reason codes, counts. */
  detail?: Record<string, unknown> | null;
}

type StoredFields = Omit<typeof accessLog.$inferSelect, 'hash'>;

/** The hash covers every field and the previous hash, in a fixed order. */
export function hashEntry(e: StoredFields): string {
  const canonical = JSON.stringify([
    e.id,
    e.prevHash,
    e.at,
    e.actorUserId,
    e.actorRole,
    e.action,
    e.purpose,
    e.targetType,
    e.targetIds,
    e.targetCount,
    e.outcome,
    e.requestId,
    e.ip,
    e.userAgent,
    e.detail,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

const ph = sql.placeholder;

const statements = preparedPerConnection((conn) => ({
  last: conn
    .select({ id: accessLog.id, hash: accessLog.hash })
    .from(accessLog)
    .orderBy(desc(accessLog.id))
    .limit(1)
    .prepare(),
  insert: conn
    .insert(accessLog)
    .values({
      id: ph('id'),
      prevHash: ph('prevHash'),
      at: ph('at'),
      actorUserId: ph('actorUserId'),
      actorRole: ph('actorRole'),
      action: ph('action'),
      purpose: ph('purpose'),
      targetType: ph('targetType'),
      targetIds: ph('targetIds'),
      targetCount: ph('targetCount'),
      outcome: ph('outcome'),
      requestId: ph('requestId'),
      ip: ph('ip'),
      userAgent: ph('userAgent'),
      detail: ph('detail'),
      hash: ph('hash'),
    })
    .prepare(),
  target: conn
    .insert(accessLogTargets)
    .values({ entryId: ph('entryId'), targetType: ph('targetType'), targetId: ph('targetId') })
    .prepare(),
}));

/**
 * Append one entry. Call it inside the transaction of the change it records, so the change
 * and its entry commit or roll back together.
 */
export function appendAccessLog(conn: Conn, entry: AuditEntry, now = Date.now()): number {
  const q = statements(conn);
  const last = q.last.get();
  const ids = entry.targetIds ? [...entry.targetIds] : null;
  const fields: StoredFields = {
    id: (last?.id ?? 0) + 1,
    prevHash: last?.hash ?? GENESIS_HASH,
    at: now,
    actorUserId: entry.actorUserId ?? null,
    actorRole: entry.actorRole ?? null,
    action: entry.action,
    purpose: entry.purpose ?? null,
    targetType: entry.targetType ?? null,
    targetIds: ids ? JSON.stringify(ids) : null,
    targetCount: ids ? ids.length : null,
    outcome: entry.outcome,
    requestId: entry.requestId ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ? entry.userAgent.slice(0, 300) : null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  };
  q.insert.run({ ...fields, hash: hashEntry(fields) });
  if (ids && entry.targetType && ids.length > 0) {
    // One prepared single-row insert per target: inside the caller's transaction this is as
    // fast as a multi-row insert, and never meets SQLite's cap on bound parameters.
    for (const targetId of ids)
      q.target.run({ entryId: fields.id, targetType: entry.targetType, targetId });
  }
  return fields.id;
}

export type VerifyResult =
  | { ok: true; checked: number }
  | { ok: false; checked: number; firstBrokenId: number; reason: 'hash' | 'chain' | 'sequence' };

/** Walk the chain from the start; report the first entry whose hash or link does not hold. */
export function verifyAccessLog(conn: Conn): VerifyResult {
  let prevHash = GENESIS_HASH;
  let expectedId = 1;
  let checked = 0;
  for (const row of entriesInOrder(conn)) {
    if (row.id !== expectedId)
      return { ok: false, checked, firstBrokenId: expectedId, reason: 'sequence' };
    if (row.prevHash !== prevHash)
      return { ok: false, checked, firstBrokenId: row.id, reason: 'chain' };
    const { hash, ...fields } = row;
    if (hashEntry(fields) !== hash)
      return { ok: false, checked, firstBrokenId: row.id, reason: 'hash' };
    prevHash = hash;
    expectedId++;
    checked++;
  }
  return { ok: true, checked };
}

/** Chunked so a long log is never held in memory at once. */
function* entriesInOrder(conn: Conn, chunk = 5000) {
  let after = 0;
  for (;;) {
    const rows = conn
      .select()
      .from(accessLog)
      .where(gt(accessLog.id, after))
      .orderBy(accessLog.id)
      .limit(chunk)
      .all();
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < chunk) return;
    after = last.id;
  }
}

export function countAccessLog(conn: Conn): number {
  return conn.get<{ n: number }>(sql`select count(*) as n from access_log`).n;
}
