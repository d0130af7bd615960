import type { LeadStatus, Scope } from '@mg/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Conn } from '../../client';
import { leadActivities, leads, users } from '../../schema';
import { leadScopeById } from './common';
import { asLeadRef, type LeadRef } from './lead-ref';

/** The given leads that this scope may see, as held references. */
export function leadsInScope(conn: Conn, scope: Scope, ids: number[]): LeadRef[] {
  if (ids.length === 0) return [];
  return conn
    .select({ id: leads.id })
    .from(leads)
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .all()
    .map(asLeadRef);
}

// ---------------------------------------------------------------- review changes

/** What a change needs to know about a lead, within scope. */
export function leadsForUpdate(conn: Conn, { scope, ids }: { scope: Scope; ids: number[] }) {
  if (ids.length === 0) return [];
  return conn
    .select({
      id: leads.id,
      subsidiaryId: leads.subsidiaryId,
      status: leads.status,
      assigneeUserId: leads.assigneeUserId,
      restricted: leads.restricted,
      anonymisedAt: leads.anonymisedAt,
    })
    .from(leads)
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .all()
    .map(asLeadRef);
}
export type LeadForUpdate = ReturnType<typeof leadsForUpdate>[number];

/** An active user of the given subsidiary: the only people a lead there can go to. */
export function findAssignableUser(
  conn: Conn,
  { userId, subsidiaryId }: { userId: number; subsidiaryId: number },
) {
  return conn
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.subsidiaryId, subsidiaryId), eq(users.active, true)))
    .get();
}

/** Status change: the lead's clocks move, and the timeline gets who and when. */
export function setLeadStatus(
  conn: Conn,
  {
    lead,
    status,
    actorUserId,
  }: { lead: LeadRef & Pick<LeadForUpdate, 'status'>; status: LeadStatus; actorUserId: number },
  now = Date.now(),
): boolean {
  if (lead.status === status) return false;
  conn
    .update(leads)
    .set({ status, statusChangedAt: now, lastActivityAt: now, updatedAt: now })
    .where(eq(leads.id, lead.id))
    .run();
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind: 'status',
      fromValue: lead.status,
      toValue: status,
      actorUserId,
      at: now,
    })
    .run();
  return true;
}

export function setLeadAssignee(
  conn: Conn,
  {
    lead,
    assigneeUserId,
    actorUserId,
  }: {
    lead: LeadRef & Pick<LeadForUpdate, 'assigneeUserId'>;
    assigneeUserId: number | null;
    actorUserId: number;
  },
  now = Date.now(),
): boolean {
  if (lead.assigneeUserId === assigneeUserId) return false;
  conn.update(leads).set({ assigneeUserId, updatedAt: now }).where(eq(leads.id, lead.id)).run();
  conn
    .insert(leadActivities)
    .values({
      leadId: lead.id,
      kind: 'assignee',
      fromValue: lead.assigneeUserId === null ? null : String(lead.assigneeUserId),
      toValue: assigneeUserId === null ? null : String(assigneeUserId),
      actorUserId,
      at: now,
    })
    .run();
  return true;
}

export function addLeadNote(
  conn: Conn,
  { lead, body, actorUserId }: { lead: LeadRef; body: string; actorUserId: number },
  now = Date.now(),
) {
  const leadId = lead.id;
  conn.update(leads).set({ updatedAt: now }).where(eq(leads.id, leadId)).run();
  return conn
    .insert(leadActivities)
    .values({ leadId, kind: 'note', body, actorUserId, at: now })
    .returning({ id: leadActivities.id })
    .get();
}
