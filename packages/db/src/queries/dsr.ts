import {
  addDays,
  DSR_DUE_SOON_DAYS,
  DSR_OPEN_STATUSES,
  type DsrChannel,
  type DsrEventKind,
  type DsrStatus,
  type DsrType,
  type DsrVerificationMethod,
  osloDate,
  osloDayStart,
  type Scope,
} from '@mg/shared';
import { aliasedTable, and, asc, desc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Conn } from '../client';
import { dsrEvents, dsrRequests, dsrTokens, leads, users } from '../schema';

/**
 * Data subject requests (DOMAIN flow 4). A request concerns a person across every
 * subsidiary, so only an unscoped caller (privacy officer, admin) sees any: a subsidiary
 * scope gets nothing, whatever the permission table says, so a wrong grant cannot leak
 * another subsidiary's requests. The rules (due dates, transitions) live in @mg/shared.
 */

const unscoped = (scope: Scope) => scope.kind === 'all';

export interface NewDsrRequest {
  type: DsrType;
  subjectEmail: string | null;
  subjectPhone: string | null;
  channel: DsrChannel;
  receivedAt: number;
  dueAt: number;
  message: string | null;
  /** null: registered by the person on the public page. */
  createdByUserId: number | null;
}

/** Register a request and its first timeline entry. Call inside the transaction that logs it. */
export function insertDsrRequest(conn: Conn, r: NewDsrRequest, at: number): { id: number } {
  const row = conn
    .insert(dsrRequests)
    .values({
      type: r.type,
      subjectEmail: r.subjectEmail,
      subjectPhone: r.subjectPhone,
      channel: r.channel,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
      message: r.message,
      status: 'received',
      statusChangedAt: at,
      statusChangedByUserId: r.createdByUserId,
      createdByUserId: r.createdByUserId,
    })
    .returning({ id: dsrRequests.id })
    .get();
  insertDsrEvent(conn, {
    dsrId: row.id,
    at,
    byUserId: r.createdByUserId,
    kind: 'created',
    fromStatus: null,
    toStatus: 'received',
    note: null,
  });
  return row;
}

export function insertDsrEvent(
  conn: Conn,
  e: {
    dsrId: number;
    at: number;
    byUserId: number | null;
    kind: DsrEventKind;
    fromStatus: DsrStatus | null;
    toStatus: DsrStatus | null;
    note: string | null;
  },
) {
  conn.insert(dsrEvents).values(e).run();
}

const listColumns = {
  id: dsrRequests.id,
  type: dsrRequests.type,
  subjectEmail: dsrRequests.subjectEmail,
  subjectPhone: dsrRequests.subjectPhone,
  channel: dsrRequests.channel,
  receivedAt: dsrRequests.receivedAt,
  dueAt: dsrRequests.dueAt,
  extensionMonths: dsrRequests.extensionMonths,
  status: dsrRequests.status,
  statusChangedAt: dsrRequests.statusChangedAt,
};

export interface DsrListParams {
  scope: Scope;
  status?: DsrStatus;
  type?: DsrType;
  /** Already lower-cased; matched as a substring of the stored e-mail or phone. */
  search?: string;
  /** The search as a normalised phone number, when it is one. */
  searchPhone?: string | null;
  openOnly?: boolean;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The register: open requests first, by due date (so overdue and due-soon come first), then
 * closed ones, newest first. Explicit columns only.
 */
export function listDsrRequests(conn: Conn, p: DsrListParams) {
  if (!unscoped(p.scope)) return { items: [], total: 0 };
  const where = [
    p.status ? eq(dsrRequests.status, p.status) : undefined,
    p.type ? eq(dsrRequests.type, p.type) : undefined,
    p.openOnly ? inArray(dsrRequests.status, [...DSR_OPEN_STATUSES]) : undefined,
  ];
  if (p.search) {
    const like = `%${escapeLike(p.search)}%`;
    where.push(
      or(
        sql`${dsrRequests.subjectEmail} like ${like} escape '\\'`,
        sql`${dsrRequests.subjectPhone} like ${like} escape '\\'`,
        p.searchPhone ? eq(dsrRequests.subjectPhone, p.searchPhone) : undefined,
      ),
    );
  }
  const condition = and(...where);
  const isOpen = sql`case when ${dsrRequests.status} in ('received','identity_verified','in_progress') then 0 else 1 end`;
  const items = conn
    .select(listColumns)
    .from(dsrRequests)
    .where(condition)
    .orderBy(
      asc(isOpen),
      sql`case when ${isOpen} = 0 then ${dsrRequests.dueAt} else -${dsrRequests.statusChangedAt} end`,
      desc(dsrRequests.id),
    )
    .limit(p.limit)
    .all();
  const total =
    conn.select({ n: sql<number>`count(*)` }).from(dsrRequests).where(condition).get()?.n ?? 0;
  return { items, total };
}

const changedBy = aliasedTable(users, 'changed_by');
const extendedBy = aliasedTable(users, 'extended_by');
const createdBy = aliasedTable(users, 'created_by');

export function getDsrRequest(conn: Conn, scope: Scope, id: number) {
  if (!unscoped(scope)) return undefined;
  return conn
    .select({
      ...listColumns,
      extendedReason: dsrRequests.extendedReason,
      extendedAt: dsrRequests.extendedAt,
      extendedByName: extendedBy.name,
      statusChangedByName: changedBy.name,
      verificationNote: dsrRequests.verificationNote,
      verificationMethod: dsrRequests.verificationMethod,
      outcome: dsrRequests.outcome,
      message: dsrRequests.message,
      createdByName: createdBy.name,
    })
    .from(dsrRequests)
    .leftJoin(changedBy, eq(changedBy.id, dsrRequests.statusChangedByUserId))
    .leftJoin(extendedBy, eq(extendedBy.id, dsrRequests.extendedByUserId))
    .leftJoin(createdBy, eq(createdBy.id, dsrRequests.createdByUserId))
    .where(eq(dsrRequests.id, id))
    .get();
}

/** The timeline, oldest first. `byName` null: the person (public form or link). */
export function listDsrEvents(conn: Conn, scope: Scope, dsrId: number) {
  if (!unscoped(scope)) return [];
  return conn
    .select({
      id: dsrEvents.id,
      at: dsrEvents.at,
      kind: dsrEvents.kind,
      fromStatus: dsrEvents.fromStatus,
      toStatus: dsrEvents.toStatus,
      note: dsrEvents.note,
      byUserId: dsrEvents.byUserId,
      byName: users.name,
    })
    .from(dsrEvents)
    .leftJoin(users, eq(users.id, dsrEvents.byUserId))
    .where(eq(dsrEvents.dsrId, dsrId))
    .orderBy(asc(dsrEvents.id))
    .all();
}

/**
 * Change the status, guarded on the status the caller checked, so two racing changes cannot
 * both apply; the timeline entry goes in with it. Returns false when the status had moved.
 */
export function setDsrStatus(
  conn: Conn,
  c: {
    id: number;
    from: DsrStatus;
    to: DsrStatus;
    note: string | null;
    byUserId: number | null;
    at: number;
    verificationMethod?: DsrVerificationMethod;
  },
): boolean {
  const verifying = c.to === 'identity_verified';
  const closing = c.to === 'completed' || c.to === 'rejected';
  const changed = conn
    .update(dsrRequests)
    .set({
      status: c.to,
      statusChangedAt: c.at,
      statusChangedByUserId: c.byUserId,
      ...(verifying
        ? { verificationMethod: c.verificationMethod ?? 'manual', verificationNote: c.note }
        : {}),
      ...(closing ? { outcome: c.note } : {}),
    })
    .where(and(eq(dsrRequests.id, c.id), eq(dsrRequests.status, c.from)))
    .run();
  if (changed.changes !== 1) return false;
  insertDsrEvent(conn, {
    dsrId: c.id,
    at: c.at,
    byUserId: c.byUserId,
    kind: 'status',
    fromStatus: c.from,
    toStatus: c.to,
    note: c.note,
  });
  return true;
}

/** The one extension: guarded on there being none yet. Returns false when there was one. */
export function extendDsr(
  conn: Conn,
  e: { id: number; months: number; reason: string; dueAt: number; byUserId: number; at: number },
): boolean {
  const changed = conn
    .update(dsrRequests)
    .set({
      extensionMonths: e.months,
      extendedReason: e.reason,
      extendedAt: e.at,
      extendedByUserId: e.byUserId,
      dueAt: e.dueAt,
    })
    .where(and(eq(dsrRequests.id, e.id), isNull(dsrRequests.extensionMonths)))
    .run();
  if (changed.changes !== 1) return false;
  insertDsrEvent(conn, {
    dsrId: e.id,
    at: e.at,
    byUserId: e.byUserId,
    kind: 'extended',
    fromStatus: null,
    toStatus: null,
    note: e.reason,
  });
  return true;
}

// ---------------------------------------------------------------- confirmation links

export function insertDsrToken(
  conn: Conn,
  t: { dsrId: number; tokenHash: string; at: number; expiresAt: number },
) {
  conn
    .insert(dsrTokens)
    .values({ tokenHash: t.tokenHash, dsrId: t.dsrId, createdAt: t.at, expiresAt: t.expiresAt })
    .run();
}

export type DsrTokenState = 'open' | 'used' | 'expired' | 'closed';

/**
 * What a link confirms, read only (the GET page must not change anything). `closed`: the
 * request is no longer waiting for verification (verified another way, or rejected).
 */
export function findDsrToken(conn: Conn, tokenHash: string, now: number) {
  const row = conn
    .select({
      dsrId: dsrTokens.dsrId,
      expiresAt: dsrTokens.expiresAt,
      usedAt: dsrTokens.usedAt,
      type: dsrRequests.type,
      status: dsrRequests.status,
    })
    .from(dsrTokens)
    .innerJoin(dsrRequests, eq(dsrRequests.id, dsrTokens.dsrId))
    .where(eq(dsrTokens.tokenHash, tokenHash))
    .get();
  if (!row) return undefined;
  const state: DsrTokenState =
    row.usedAt !== null
      ? 'used'
      : row.expiresAt <= now
        ? 'expired'
        : row.status !== 'received'
          ? 'closed'
          : 'open';
  return { dsrId: row.dsrId, type: row.type, state };
}

/** Use a link once (guarded on used_at, so two racing POSTs cannot both use it). */
export function claimDsrToken(conn: Conn, tokenHash: string, at: number): boolean {
  return (
    conn
      .update(dsrTokens)
      .set({ usedAt: at })
      .where(and(eq(dsrTokens.tokenHash, tokenHash), isNull(dsrTokens.usedAt)))
      .run().changes === 1
  );
}

/** The most recent link sent for a request (when, and until when it works). */
export function lastDsrToken(conn: Conn, dsrId: number) {
  return conn
    .select({
      createdAt: dsrTokens.createdAt,
      expiresAt: dsrTokens.expiresAt,
      usedAt: dsrTokens.usedAt,
    })
    .from(dsrTokens)
    .where(eq(dsrTokens.dsrId, dsrId))
    .orderBy(desc(dsrTokens.createdAt))
    .limit(1)
    .get();
}

/** Where the confirmation link may go when only a phone is known: the e-mail on those leads. */
export const DSR_LINK_ADDRESS_CAP = 5;
export function leadEmailsForPhone(conn: Conn, scope: Scope, phone: string): string[] {
  if (!unscoped(scope)) return [];
  return conn
    .selectDistinct({ email: leads.email })
    .from(leads)
    .where(and(eq(leads.phone, phone), isNull(leads.anonymisedAt), isNotNull(leads.email)))
    .orderBy(asc(leads.email))
    .limit(DSR_LINK_ADDRESS_CAP)
    .all()
    .flatMap((r) => (r.email ? [r.email] : []));
}

// ---------------------------------------------------------------- counts

/** The dashboard's card: open requests, overdue (due day passed), due within 7 days. */
export function dsrCounts(conn: Conn, scope: Scope, now = Date.now()) {
  if (!unscoped(scope)) return { open: 0, overdue: 0, dueSoon: 0 };
  const today = osloDate(now);
  const todayStart = osloDayStart(today);
  const lastSoonStart = osloDayStart(addDays(today, DSR_DUE_SOON_DAYS - 1));
  const row = conn
    .select({
      open: sql<number>`count(*)`,
      overdue: sql<number>`coalesce(sum(case when ${dsrRequests.dueAt} < ${todayStart} then 1 else 0 end), 0)`,
      dueSoon: sql<number>`coalesce(sum(case when ${dsrRequests.dueAt} >= ${todayStart} and ${dsrRequests.dueAt} <= ${lastSoonStart} then 1 else 0 end), 0)`,
    })
    .from(dsrRequests)
    .where(inArray(dsrRequests.status, [...DSR_OPEN_STATUSES]))
    .get();
  return { open: row?.open ?? 0, overdue: row?.overdue ?? 0, dueSoon: row?.dueSoon ?? 0 };
}
