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

/**
 * Legal hold on or off. The reason for setting it stays on the lead while it holds; both
 * the set and the lift go on the timeline with their reason, who and when. Returns false
 * when the lead already was in that state (nothing written).
 */
export function setLegalHold(
  conn: Conn,
  {
    lead,
    on,
    reason,
    actorUserId,
  }: { lead: LeadRef; on: boolean; reason: string; actorUserId: number },
  now = Date.now(),
): boolean {
  const changed = conn
    .update(leads)
    .set(
      on
        ? {
            legalHold: true,
            legalHoldReason: reason,
            legalHoldByUserId: actorUserId,
            legalHoldAt: now,
            updatedAt: now,
          }
        : {
            legalHold: false,
            legalHoldReason: null,
            legalHoldByUserId: null,
            legalHoldAt: null,
            updatedAt: now,
          },
    )
    .where(and(eq(leads.id, lead.id), eq(leads.legalHold, !on)))
    .run().changes;
  if (changed === 0) return false;
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind: 'legal_hold',
      body: reason,
      fromValue: String(!on),
      toValue: String(on),
      actorUserId,
      at: now,
    })
    .run();
  return true;
}

/** Restriction (GDPR art. 18) on or off, like the legal hold. */
export function setRestricted(
  conn: Conn,
  {
    lead,
    on,
    reason,
    actorUserId,
  }: { lead: LeadRef; on: boolean; reason: string; actorUserId: number },
  now = Date.now(),
): boolean {
  const changed = conn
    .update(leads)
    .set(
      on
        ? {
            restricted: true,
            restrictedReason: reason,
            restrictedByUserId: actorUserId,
            restrictedAt: now,
            updatedAt: now,
          }
        : {
            restricted: false,
            restrictedReason: null,
            restrictedByUserId: null,
            restrictedAt: null,
            updatedAt: now,
          },
    )
    .where(and(eq(leads.id, lead.id), eq(leads.restricted, !on)))
    .run().changes;
  if (changed === 0) return false;
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind: 'restricted',
      body: reason,
      fromValue: String(!on),
      toValue: String(on),
      actorUserId,
      at: now,
    })
    .run();
  return true;
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
