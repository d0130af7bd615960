import { and, eq, inArray, lte } from 'drizzle-orm';
import { type Conn, preparedPerConnection, sqliteOf } from '../client';
import { outbox } from '../schema';

export interface NewOutboxMessage {
  kind: string;
  leadId: number | null;
  subsidiaryId: number | null;
  toAddress: string;
  subject: string;
  body: string;
  /** Extra mail headers (e.g. List-Unsubscribe); stored as JSON until the message is sent. */
  headers?: Record<string, string> | null;
}

/**
 * A plain better-sqlite3 statement, prepared once per connection: intake writes one or two
 * rows per form, and drizzle's placeholder mapping cost about as much as SQLite's insert
 * (bench/intake/db-path.ts). The schema defaults (pending, no attempts) as literals.
 */
const insertStatement = preparedPerConnection((conn) =>
  sqliteOf(conn).prepare<unknown[], { id: number }>(
    `insert into outbox (kind, lead_id, subsidiary_id, to_address, subject, body, headers,
       status, attempts, next_attempt_at, created_at)
     values (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) returning id`,
  ),
);

export function insertOutbox(conn: Conn, message: NewOutboxMessage, now = Date.now()) {
  const row = insertStatement(conn).get(
    message.kind,
    message.leadId,
    message.subsidiaryId,
    message.toAddress,
    message.subject,
    message.body,
    message.headers ? JSON.stringify(message.headers) : null,
    now,
    now,
  );
  if (!row) throw new Error('insert into outbox returned no row');
  return row;
}

/**
 * Claim due messages: push their next attempt `leaseMs` ahead so another run (this process
 * or another) does not send them too, and return them. Call inside a transaction.
 */
export function claimDueOutbox(
  conn: Conn,
  { now, limit, leaseMs }: { now: number; limit: number; leaseMs: number },
) {
  const due = conn
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(outbox.nextAttemptAt, outbox.id)
    .limit(limit)
    .all()
    .map((r) => r.id);
  if (due.length === 0) return [];
  const rows = conn
    .update(outbox)
    .set({ nextAttemptAt: now + leaseMs })
    .where(and(inArray(outbox.id, due), eq(outbox.status, 'pending')))
    .returning({
      id: outbox.id,
      kind: outbox.kind,
      leadId: outbox.leadId,
      toAddress: outbox.toAddress,
      subject: outbox.subject,
      body: outbox.body,
      headers: outbox.headers,
      attempts: outbox.attempts,
    })
    .all()
    .sort((a, b) => a.id - b.id);
  return rows.map((r) => ({ ...r, headers: parseHeaders(r.headers) }));
}

/**
 * Give claimed messages back at shutdown: due again now instead of after the lease, so the
 * next start sends them at once. Only those still pending (not recorded as sent or failed).
 */
export function releaseOutboxClaims(conn: Conn, ids: number[], now: number) {
  if (ids.length === 0) return;
  conn
    .update(outbox)
    .set({ nextAttemptAt: now })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending')))
    .run();
}

function parseHeaders(json: string | null): Record<string, string> | undefined {
  if (json === null) return undefined;
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Prepared once per connection: the worker marks every message it sent (one or two per
 * intake form), and drizzle built this update's SQL anew on each call: ~115 µs a message
 * against ~6 µs prepared (in process, CPU time; decision 036).
 */
const sentStatement = preparedPerConnection((conn) =>
  sqliteOf(conn).prepare<unknown[]>(
    `update outbox set status = 'sent', attempts = ?, sent_at = ?, last_error = null,
       body = '', headers = null
     where id = ?`,
  ),
);

/**
 * A sent message keeps its subject, status and attempts (the forwarding log), but its body
 * and headers are blanked: a consumer's receipt carries a live unsubscribe link (the token
 * itself, of which the lead keeps only a hash), and the database must not hold live tokens
 * once the mail is out. Until then the row is the only copy, so a retry can send the same
 * link.
 */
export function markOutboxSent(conn: Conn, id: number, attempts: number, now: number) {
  sentStatement(conn).run(attempts, now, id);
}

/** A failed attempt: try again at `nextAttemptAt`, or give up (status failed) when it is null. */
export function markOutboxAttemptFailed(
  conn: Conn,
  id: number,
  {
    attempts,
    lastError,
    nextAttemptAt,
  }: { attempts: number; lastError: string; nextAttemptAt: number | null },
) {
  conn
    .update(outbox)
    .set(
      nextAttemptAt === null
        ? { status: 'failed', attempts, lastError }
        : { attempts, lastError, nextAttemptAt },
    )
    .where(eq(outbox.id, id))
    .run();
}
