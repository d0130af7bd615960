import type { ObjectionKind } from '@mg/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Conn } from '../../client';
import { leadActivities, leadObjections, leads, users } from '../../schema';
import type { LeadRef } from './lead-ref';

/** What the hold and restriction controls need about a lead (read through a LeadRef). */
export function getLeadFlags(conn: Conn, lead: LeadRef) {
  const row = conn
    .select({
      id: leads.id,
      restricted: leads.restricted,
      restrictedReason: leads.restrictedReason,
      restrictedAt: leads.restrictedAt,
      restrictedByUserId: leads.restrictedByUserId,
      legalHold: leads.legalHold,
      legalHoldReason: leads.legalHoldReason,
      legalHoldAt: leads.legalHoldAt,
      legalHoldByUserId: leads.legalHoldByUserId,
      anonymisedAt: leads.anonymisedAt,
    })
    .from(leads)
    .where(eq(leads.id, lead.id))
    .get();
  if (!row) throw new Error(`lead ${lead.id} vanished`);
  const names = new Map(
    conn
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(
        inArray(
          users.id,
          [row.restrictedByUserId, row.legalHoldByUserId].filter((v): v is number => v !== null),
        ),
      )
      .all()
      .map((u) => [u.id, u.name]),
  );
  return {
    ...row,
    restrictedByName:
      row.restrictedByUserId === null ? null : (names.get(row.restrictedByUserId) ?? null),
    legalHoldByName:
      row.legalHoldByUserId === null ? null : (names.get(row.legalHoldByUserId) ?? null),
  };
}

type FlagChange = { lead: LeadRef; on: boolean; reason: string; actorUserId: number };

/** The lead's columns for each guard flag: the flag, and who set it, when and why. */
const GUARD_FLAGS = {
  legal_hold: {
    flag: leads.legalHold,
    values: (on: boolean, reason: string | null, by: number | null, at: number | null) => ({
      legalHold: on,
      legalHoldReason: reason,
      legalHoldByUserId: by,
      legalHoldAt: at,
    }),
  },
  restricted: {
    flag: leads.restricted,
    values: (on: boolean, reason: string | null, by: number | null, at: number | null) => ({
      restricted: on,
      restrictedReason: reason,
      restrictedByUserId: by,
      restrictedAt: at,
    }),
  },
} as const;

/**
 * A guard flag on or off. The reason for setting it stays on the lead while it holds; both
 * the set and the lift go on the timeline with their reason, who and when. Returns false
 * when the lead already was in that state (nothing written).
 */
function setGuardFlag(
  conn: Conn,
  kind: keyof typeof GUARD_FLAGS,
  { lead, on, reason, actorUserId }: FlagChange,
  now: number,
): boolean {
  const { flag, values } = GUARD_FLAGS[kind];
  const changed = conn
    .update(leads)
    .set({
      ...(on ? values(true, reason, actorUserId, now) : values(false, null, null, null)),
      updatedAt: now,
    })
    .where(and(eq(leads.id, lead.id), eq(flag, !on)))
    .run().changes;
  if (changed === 0) return false;
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind,
      body: reason,
      fromValue: String(!on),
      toValue: String(on),
      actorUserId,
      at: now,
    })
    .run();
  return true;
}

/** Legal hold on or off (blocks anonymisation of this lead only). */
export function setLegalHold(conn: Conn, change: FlagChange, now = Date.now()): boolean {
  return setGuardFlag(conn, 'legal_hold', change, now);
}

/** Restriction (GDPR art. 18) on or off: the lead is only stored, and left out of exports. */
export function setRestricted(conn: Conn, change: FlagChange, now = Date.now()): boolean {
  return setGuardFlag(conn, 'restricted', change, now);
}

/**
 * An objection (GDPR art. 21), recorded with its reason. Any objection other than to
 * marketing restricts the lead while it is assessed. An objection to marketing withdraws
 * the person's marketing consent: that is the caller's part (the person-wide withdrawal
 * lives with consent, see routers/lead.ts `object`).
 */
export function recordObjection(
  conn: Conn,
  {
    lead,
    kind,
    reason,
    actorUserId,
  }: { lead: LeadRef; kind: ObjectionKind; reason: string; actorUserId: number },
  now = Date.now(),
) {
  const row = conn
    .insert(leadObjections)
    .values({ leadId: lead.id, kind, reason, actorUserId, at: now })
    .returning({ id: leadObjections.id })
    .get();
  const restricted =
    kind === 'other' && setRestricted(conn, { lead, on: true, reason, actorUserId }, now);
  return { id: row.id, restricted };
}

export function listObjections(conn: Conn, lead: LeadRef) {
  return conn
    .select({
      id: leadObjections.id,
      kind: leadObjections.kind,
      reason: leadObjections.reason,
      actorName: users.name,
      at: leadObjections.at,
    })
    .from(leadObjections)
    .leftJoin(users, eq(users.id, leadObjections.actorUserId))
    .where(eq(leadObjections.leadId, lead.id))
    .all();
}
