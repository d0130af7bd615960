import { hash } from 'node:crypto';
import type { AuditOutcome, AuditPurpose, AuditTargetType, DsrPurpose } from '@mg/shared';
import { sql } from 'drizzle-orm';
import { GENESIS_HASH } from './audit-verify';
import { type Conn, preparedPerConnection, sqliteOf } from './client';
import { type accessLog, accessLogDenials } from './schema';

export { GENESIS_HASH };

export interface AuditEntry {
  actorUserId?: number | null;
  actorRole?: string | null;
  action: string;
  /** A fixed purpose, or `dsr:<id>` for what was done for one data subject request. */
  purpose?: AuditPurpose | DsrPurpose | null;
  targetType?: AuditTargetType | null;
  targetIds?: readonly number[] | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Non-personal detail only: filter keys, reason codes, counts. */
  detail?: Record<string, unknown> | null;
  /**
   * The id the client sent in `x-request-id`, already checked for length and characters.
   * Kept apart from `requestId` (always made by the server), in `detail.clientRequestId`.
   */
  clientRequestId?: string | null;
}

type StoredFields = Omit<typeof accessLog.$inferSelect, 'hash'>;

/**
 * The hash covers every field and the previous hash, in a fixed order. Version 2 entries
 * (targetsAfter set, decision 035) add where their target rows start, last: the check then
 * finds each entry's rows by rowid instead of rebuilding the block's rows as text. Version 1
 * entries (targetsAfter null) keep their fifteen fields, so they verify as they were written.
 */
export function hashEntry(e: StoredFields): string {
  const fields: unknown[] = [
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
  ];
  if (e.targetsAfter !== null) fields.push(e.targetsAfter);
  // One-shot: same digest as createHash().update().digest(), without the Hash object.
  return hash('sha256', JSON.stringify(fields), 'hex');
}

const ph = sql.placeholder;

const statements = preparedPerConnection((conn) => ({
  // The chain head and where the next entry's target rows start, in one plain statement:
  // the newest entry by a seek to max(id) (a prepared `order by id desc limit ?` cost about
  // three times as much, decision 004), and the last access_log_targets rowid (rows get
  // max(rowid) + 1 onwards: no AUTOINCREMENT), both inside the append's transaction. One
  // call into SQLite instead of two, and no drizzle mapping of the row (every intake form
  // appends an entry; decision 036).
  head: sqliteOf(conn).prepare<[], { id: number; hash: string; targetsAfter: number | null }>(
    `select id, hash, (select max(rowid) from access_log_targets) as targetsAfter
     from access_log where id = (select max(id) from access_log)`,
  ),
  // An empty log has no head row: where its first entry's rows start, on its own.
  lastTargetRowid: sqliteOf(conn)
    .prepare<unknown[], number | null>('select max(rowid) from access_log_targets')
    .pluck(),
  // A plain statement: drizzle's mapping of the sixteen values cost about as much as the
  // insert itself, on every entry (intake appends one per form; bench/intake/db-path.ts).
  insert: sqliteOf(conn).prepare<unknown[]>(
    `insert into access_log (id, at, actor_user_id, actor_role, action, purpose, target_type,
       target_ids, target_count, outcome, request_id, ip, user_agent, detail, prev_hash, hash,
       targets_after)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  // All of an entry's targets in one statement, in their order (one run per target was 50
  // calls into SQLite for every grid page).
  targets: sqliteOf(conn).prepare(
    `insert into access_log_targets (entry_id, target_type, target_id)
     select ?, ?, value from json_each(?) order by key`,
  ),
  // One target (a lead opened, an intake): a plain row, without json_each and its sort.
  target: sqliteOf(conn).prepare<unknown[]>(
    'insert into access_log_targets (entry_id, target_type, target_id) values (?, ?, ?)',
  ),
}));

function detailJson(entry: AuditEntry): string | null {
  const detail = entry.clientRequestId
    ? { ...entry.detail, clientRequestId: entry.clientRequestId }
    : entry.detail;
  return detail ? JSON.stringify(detail) : null;
}

/**
 * Append one entry. Call it inside the transaction of the change it records, so the change
 * and its entry commit or roll back together.
 */
export function appendAccessLog(conn: Conn, entry: AuditEntry, now = Date.now()): number {
  const q = statements(conn);
  const last = q.head.get();
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
    detail: detailJson(entry),
    targetsAfter: (last ? last.targetsAfter : q.lastTargetRowid.get()) ?? 0,
  };
  q.insert.run(
    fields.id,
    fields.at,
    fields.actorUserId,
    fields.actorRole,
    fields.action,
    fields.purpose,
    fields.targetType,
    fields.targetIds,
    fields.targetCount,
    fields.outcome,
    fields.requestId,
    fields.ip,
    fields.userAgent,
    fields.detail,
    fields.prevHash,
    hashEntry(fields),
    fields.targetsAfter,
  );
  // The ids as one JSON array: never meets SQLite's cap on bound parameters.
  if (ids && entry.targetType && ids.length === 1)
    q.target.run(fields.id, entry.targetType, ids[0]);
  else if (ids && entry.targetType && ids.length > 1)
    q.targets.run(fields.id, entry.targetType, fields.targetIds);
  return fields.id;
}

/*
 * The check itself lives in audit-verify.ts (no drizzle at run time, so worker threads and
 * the CLI's verify load little), with the wrappers that take a drizzle database.
 */
export {
  accessLogEntryHash,
  type BrokenReason,
  type ChainHead,
  chainHead,
  mergeRanges,
  type RangeCheck,
  type RangeInput,
  strayTargetsAfter,
  type VerifyChunks,
  type VerifyFrom,
  type VerifyOptions,
  type VerifyResult,
  verifyAccessLog,
  verifyAccessLogRange,
} from './audit-verify';

export function countAccessLog(conn: Conn): number {
  return conn.get<{ n: number }>(sql`select count(*) as n from access_log`).n;
}

// ------------------------------------------------------------------ anonymous denials

/** The action of the one entry per IP and minute that sums up anonymous denials. */
export const ANONYMOUS_DENIED_ACTION = 'anonymous.denied';
const MINUTE = 60_000;
/** Distinct actions and reasons kept per IP and minute: enough to see what was probed. */
const DISTINCT_CAP = 20;

export interface AnonymousDenial {
  ip: string | null;
  action: string;
  reason: string;
  requestId?: string | null;
  userAgent?: string | null;
}

const denialStatements = preparedPerConnection((conn) => ({
  get: conn
    .select()
    .from(accessLogDenials)
    .where(
      sql`${accessLogDenials.ip} = ${ph('ip')} and ${accessLogDenials.minute} = ${ph('minute')}`,
    )
    .prepare(),
  anyEnded: conn
    .select({ minute: accessLogDenials.minute })
    .from(accessLogDenials)
    .where(sql`${accessLogDenials.minute} < ${ph('minute')}`)
    .limit(1)
    .prepare(),
}));

function addDistinct(json: string, value: string): string {
  const list = JSON.parse(json) as string[];
  if (list.includes(value) || list.length >= DISTINCT_CAP) return json;
  list.push(value);
  return JSON.stringify(list);
}

/**
 * Count an anonymous denial. Nothing is appended to the log here: the count for this IP and
 * minute goes up, and minutes that have ended become one entry each (see
 * flushAnonymousDenials). Call inside a transaction.
 */
export function recordAnonymousDenial(conn: Conn, denial: AnonymousDenial, now = Date.now()) {
  const minute = now - (now % MINUTE);
  if (denialStatements(conn).anyEnded.get({ minute })) flushAnonymousDenials(conn, now);
  const ip = denial.ip ?? '';
  const row = denialStatements(conn).get.get({ ip, minute });
  if (row) {
    conn
      .update(accessLogDenials)
      .set({
        count: row.count + 1,
        actions: addDistinct(row.actions, denial.action),
        reasons: addDistinct(row.reasons, denial.reason),
      })
      .where(sql`${accessLogDenials.ip} = ${ip} and ${accessLogDenials.minute} = ${minute}`)
      .run();
    return;
  }
  conn
    .insert(accessLogDenials)
    .values({
      ip,
      minute,
      count: 1,
      actions: JSON.stringify([denial.action]),
      reasons: JSON.stringify([denial.reason]),
      firstRequestId: denial.requestId ?? null,
      userAgent: denial.userAgent ? denial.userAgent.slice(0, 300) : null,
    })
    .run();
}

/**
 * Turn counted denials into access-log entries, one per IP and minute, with the count: those
 * of minutes that ended before `now`, or all of them (`all`, on shutdown). Call inside a
 * transaction. Returns how many entries were written.
 */
export function flushAnonymousDenials(
  conn: Conn,
  now = Date.now(),
  options: { all?: boolean } = {},
): number {
  const before = options.all ? Number.MAX_SAFE_INTEGER : now - (now % MINUTE);
  const rows = conn
    .select()
    .from(accessLogDenials)
    .where(sql`${accessLogDenials.minute} < ${before}`)
    .orderBy(accessLogDenials.minute, accessLogDenials.ip)
    .all();
  for (const row of rows) {
    appendAccessLog(
      conn,
      {
        action: ANONYMOUS_DENIED_ACTION,
        outcome: 'denied',
        purpose: 'security',
        requestId: row.firstRequestId,
        ip: row.ip === '' ? null : row.ip,
        userAgent: row.userAgent,
        detail: {
          count: row.count,
          minute: new Date(row.minute).toISOString(),
          actions: JSON.parse(row.actions) as string[],
          reasons: JSON.parse(row.reasons) as string[],
        },
      },
      now,
    );
    conn
      .delete(accessLogDenials)
      .where(sql`${accessLogDenials.ip} = ${row.ip} and ${accessLogDenials.minute} = ${row.minute}`)
      .run();
  }
  return rows.length;
}
