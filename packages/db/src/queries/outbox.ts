import { and, eq, inArray, lte } from 'drizzle-orm';
import type { Conn } from '../client';
import { outbox } from '../schema';

export interface NewOutboxMessage {
  kind: string;
  leadId: number | null;
  subsidiaryId: number | null;
  toAddress: string;
  subject: string;
  body: string;
}

export function insertOutbox(conn: Conn, message: NewOutboxMessage, now = Date.now()) {
  return conn
    .insert(outbox)
    .values({ ...message, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now })
    .returning({ id: outbox.id })
    .get();
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
  return conn
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
      attempts: outbox.attempts,
    })
    .all()
    .sort((a, b) => a.id - b.id);
}

export function markOutboxSent(conn: Conn, id: number, attempts: number, now: number) {
  conn
    .update(outbox)
    .set({ status: 'sent', attempts, sentAt: now, lastError: null })
    .where(eq(outbox.id, id))
    .run();
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
