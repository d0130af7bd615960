import {
  normaliseEmail,
  normalisePhone,
  type RectifyField,
  type Scope,
  type SubjectAction,
} from '@mg/shared';
import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Conn } from '../client';
import {
  accessLog,
  accessLogTargets,
  consentEvents,
  disclosures,
  dsrActions,
  dsrLeads,
  dsrRequests,
  leadActivities,
  leadObjections,
  leads,
  policyVersions,
  projects,
  subsidiaries,
  users,
} from '../schema';
import { addressHashes, hashesForWrite } from './address-hash';
import { leadScopeById } from './leads/common';
import { asLeadRef, type LeadRef } from './leads/lead-ref';

// The subject view of a data subject request: the person's leads across every subsidiary,
// found on the normalised e-mail and phone of the request (the same normalisers intake stores
// leads with), plus the leads already linked to the request (dsr_leads), so a lead the
// request anonymised or rectified stays in its view.

/** The request as the subject view needs it. Undefined when there is no such request. */
export function getSubjectRequest(conn: Conn, id: number) {
  return conn
    .select({
      id: dsrRequests.id,
      type: dsrRequests.type,
      status: dsrRequests.status,
      subjectEmail: dsrRequests.subjectEmail,
      subjectPhone: dsrRequests.subjectPhone,
      channel: dsrRequests.channel,
      receivedAt: dsrRequests.receivedAt,
      dueAt: dsrRequests.dueAt,
    })
    .from(dsrRequests)
    .where(eq(dsrRequests.id, id))
    .get();
}
export type SubjectRequest = NonNullable<ReturnType<typeof getSubjectRequest>>;

/** The request's e-mail and phone in the form leads store them (null when absent or empty). */
export function subjectAddresses(request: {
  subjectEmail: string | null;
  subjectPhone: string | null;
}) {
  const email = request.subjectEmail ? normaliseEmail(request.subjectEmail) : '';
  const phone = request.subjectPhone
    ? (normalisePhone(request.subjectPhone) ?? request.subjectPhone.trim())
    : '';
  return { email: email || null, phone: phone || null };
}

/**
 * Ids of the person's leads in scope, oldest first, at most `cap` (`capped` says there were
 * more): same normalised e-mail or phone as the request, or linked to it already.
 */
export function findSubjectLeadIds(
  conn: Conn,
  { scope, request, cap }: { scope: Scope; request: SubjectRequest; cap: number },
): { ids: number[]; capped: boolean } {
  const { email, phone } = subjectAddresses(request);
  const match: SQL[] = [
    inArray(
      leads.id,
      conn.select({ id: dsrLeads.leadId }).from(dsrLeads).where(eq(dsrLeads.dsrId, request.id)),
    ),
  ];
  if (email) match.push(eq(leads.email, email));
  if (phone) match.push(eq(leads.phone, phone));
  const rows = conn
    .select({ id: leads.id })
    .from(leads)
    .where(and(or(...match), leadScopeById(scope)))
    .orderBy(asc(leads.id))
    .limit(cap + 1)
    .all();
  return { ids: rows.slice(0, cap).map((r) => r.id), capped: rows.length > cap };
}

/** Link leads to the request (idempotent), so they stay in its view whatever happens to them. */
export function linkSubjectLeads(conn: Conn, dsrId: number, leadIds: readonly number[]) {
  if (leadIds.length === 0) return;
  conn.run(
    sql`insert into ${dsrLeads} (dsr_id, lead_id)
        select ${dsrId}, value from json_each(${JSON.stringify(leadIds)})
        where value not in (select lead_id from ${dsrLeads} where dsr_id = ${dsrId})`,
  );
}

/** The leads (as LeadRefs, with what the actions need) among `ids` that the scope holds. */
export function subjectLeadsForAction(conn: Conn, { scope, ids }: { scope: Scope; ids: number[] }) {
  if (ids.length === 0) return [];
  return conn
    .select({
      id: leads.id,
      email: leads.email,
      phone: leads.phone,
      restricted: leads.restricted,
      legalHold: leads.legalHold,
      legalHoldReason: leads.legalHoldReason,
      anonymisedAt: leads.anonymisedAt,
    })
    .from(leads)
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .orderBy(asc(leads.id))
    .all()
    .map(asLeadRef);
}

function groupBy<T extends { leadId: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(row.leadId);
    if (list) list.push(row);
    else out.set(row.leadId, [row]);
  }
  return out;
}

/**
 * Everything held about the given leads (call with ids from findSubjectLeadIds): the lead,
 * its consent history with policy versions, notes, disclosures and objections. `staff`
 * adds who did what (the privacy officer's view); the person's own export leaves it out.
 */
export function getSubjectLeads(
  conn: Conn,
  { scope, ids, staff }: { scope: Scope; ids: number[]; staff: boolean },
) {
  if (ids.length === 0) return [];
  const rows = conn
    .select({
      id: leads.id,
      name: leads.name,
      email: leads.email,
      phone: leads.phone,
      message: leads.message,
      source: leads.source,
      status: leads.status,
      projectName: projects.name,
      subsidiaryId: leads.subsidiaryId,
      subsidiaryName: subsidiaries.name,
      policyVersion: policyVersions.label,
      consentEmail: leads.consentEmail,
      consentSms: leads.consentSms,
      restricted: leads.restricted,
      restrictedReason: leads.restrictedReason,
      restrictedAt: leads.restrictedAt,
      legalHold: leads.legalHold,
      legalHoldReason: leads.legalHoldReason,
      legalHoldAt: leads.legalHoldAt,
      anonymisedAt: leads.anonymisedAt,
      createdAt: leads.createdAt,
      lastActivityAt: leads.lastActivityAt,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .leftJoin(policyVersions, eq(policyVersions.id, leads.policyVersionId))
    .where(and(inArray(leads.id, ids), leadScopeById(scope)))
    .orderBy(asc(leads.id))
    .all();
  const held = rows.map((r) => r.id);
  if (held.length === 0) return [];
  const consent = groupBy(
    conn
      .select({
        id: consentEvents.id,
        leadId: consentEvents.leadId,
        purpose: consentEvents.purpose,
        granted: consentEvents.granted,
        source: consentEvents.source,
        policyVersion: policyVersions.label,
        actorName: users.name,
        at: consentEvents.at,
      })
      .from(consentEvents)
      .leftJoin(policyVersions, eq(policyVersions.id, consentEvents.policyVersionId))
      .leftJoin(users, eq(users.id, consentEvents.actorUserId))
      .where(inArray(consentEvents.leadId, held))
      .orderBy(asc(consentEvents.id))
      .all(),
  );
  const notes = groupBy(
    conn
      .select({
        id: leadActivities.id,
        leadId: leadActivities.leadId,
        body: leadActivities.body,
        actorName: users.name,
        at: leadActivities.at,
      })
      .from(leadActivities)
      .leftJoin(users, eq(users.id, leadActivities.actorUserId))
      .where(and(inArray(leadActivities.leadId, held), eq(leadActivities.kind, 'note')))
      .orderBy(asc(leadActivities.at), asc(leadActivities.id))
      .all(),
  );
  const disclosed = groupBy(
    conn
      .select({
        id: disclosures.id,
        leadId: disclosures.leadId,
        kind: disclosures.kind,
        subsidiaryName: subsidiaries.name,
        at: disclosures.at,
      })
      .from(disclosures)
      .innerJoin(subsidiaries, eq(subsidiaries.id, disclosures.subsidiaryId))
      .where(inArray(disclosures.leadId, held))
      .orderBy(asc(disclosures.at), asc(disclosures.id))
      .all(),
  );
  const objections = groupBy(
    conn
      .select({
        id: leadObjections.id,
        leadId: leadObjections.leadId,
        kind: leadObjections.kind,
        reason: leadObjections.reason,
        at: leadObjections.at,
      })
      .from(leadObjections)
      .where(inArray(leadObjections.leadId, held))
      .orderBy(asc(leadObjections.at))
      .all(),
  );
  // Who did it only for staff; the person's own export gets null (C-579/21).
  const who = <T extends { actorName: string | null; leadId: number }>(list: T[] | undefined) =>
    (list ?? []).map(({ actorName, leadId: _l, ...rest }) => ({
      ...rest,
      actorName: staff ? actorName : null,
    }));
  return rows.map((lead) => ({
    ...lead,
    consentHistory: who(consent.get(lead.id)),
    notes: who(notes.get(lead.id)),
    disclosures: (disclosed.get(lead.id) ?? []).map(({ leadId: _l, ...d }) => d),
    objections: (objections.get(lead.id) ?? []).map(({ leadId: _l, ...o }) => o),
  }));
}
export type SubjectLead = ReturnType<typeof getSubjectLeads>[number];

/** Access-log entries that name any of the leads as a target (the "targets" index). */
function entriesAbout(leadIds: readonly number[]) {
  return sql`${accessLog.id} in (select ${accessLogTargets.entryId} from ${accessLogTargets}
    where ${accessLogTargets.targetType} = 'lead'
      and ${accessLogTargets.targetId} in (select value from json_each(${JSON.stringify(leadIds)})))`;
}

/**
 * When and for what purpose the leads were consulted or changed, newest first, at most
 * `limit` (`capped` when there were more): for the person's own export, so no actor, role,
 * address or request id (C-579/21: the person is owed when and why, not who).
 */
export function listSubjectConsultations(
  conn: Conn,
  { leadIds, limit }: { leadIds: readonly number[]; limit: number },
) {
  if (leadIds.length === 0) return { items: [], capped: false };
  const rows = conn
    .select({
      at: accessLog.at,
      action: accessLog.action,
      purpose: accessLog.purpose,
      targetIds: accessLog.targetIds,
    })
    .from(accessLog)
    .where(and(entriesAbout(leadIds), eq(accessLog.outcome, 'ok')))
    .orderBy(desc(accessLog.id))
    .limit(limit + 1)
    .all();
  const mine = new Set(leadIds);
  const items = rows.slice(0, limit).map((r) => ({
    at: r.at,
    action: r.action,
    purpose: r.purpose,
    // Only this person's lead ids: a list page also names other people's leads.
    leadIds: (r.targetIds ? (JSON.parse(r.targetIds) as number[]) : []).filter((id) =>
      mine.has(id),
    ),
  }));
  return { items, capped: rows.length > limit };
}

/**
 * "Who has seen this person": the entries about any of the leads, with the staff member's
 * name and role, newest first, a page at a time (keyset on the entry id).
 */
export function listSubjectSeenBy(
  conn: Conn,
  {
    leadIds,
    cursor,
    limit,
  }: { leadIds: readonly number[]; cursor: number | undefined; limit: number },
) {
  if (leadIds.length === 0) return { items: [], nextCursor: null };
  const rows = conn
    .select({
      id: accessLog.id,
      at: accessLog.at,
      actorName: users.name,
      actorRole: accessLog.actorRole,
      action: accessLog.action,
      purpose: accessLog.purpose,
      outcome: accessLog.outcome,
      targetIds: accessLog.targetIds,
    })
    .from(accessLog)
    .leftJoin(users, eq(users.id, accessLog.actorUserId))
    .where(and(entriesAbout(leadIds), cursor ? lt(accessLog.id, cursor) : undefined))
    .orderBy(desc(accessLog.id))
    .limit(limit + 1)
    .all();
  const mine = new Set(leadIds);
  const items = rows.slice(0, limit).map(({ targetIds, ...r }) => ({
    ...r,
    leadIds: (targetIds ? (JSON.parse(targetIds) as number[]) : []).filter((id) => mine.has(id)),
  }));
  return {
    items,
    nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
  };
}

// ---------------------------------------------------------------- rectification

export type RectifyValues = Partial<Record<RectifyField, string | null>>;

const COLUMN: Record<RectifyField, SQLiteColumn> = {
  name: leads.name,
  email: leads.email,
  phone: leads.phone,
  message: leads.message,
};

/**
 * Correct fields on the given leads (already checked to be the person's, not anonymised).
 * Only leads whose value differs are written; the FTS update trigger re-indexes them.
 * Returns the names of the fields that changed on at least one lead (never the values).
 */
export function rectifyLeads(
  conn: Conn,
  { leads: targets, values }: { leads: readonly LeadRef[]; values: RectifyValues },
  now = Date.now(),
): { fields: RectifyField[]; leadIds: number[] } {
  const ids = targets.map((l) => l.id);
  const fields: RectifyField[] = [];
  const touched = new Set<number>();
  for (const [field, value] of Object.entries(values) as [RectifyField, string | null][]) {
    if (value === undefined) continue;
    const column = COLUMN[field];
    const set: Partial<typeof leads.$inferInsert> = { updatedAt: now };
    set[field] = value;
    // A corrected address gets its own suppression key (the audience matches it in SQL).
    if (field === 'email')
      set.emailHmac = hashesForWrite(conn, { email: value, phone: null }).emailHmac;
    if (field === 'phone')
      set.phoneHmac = addressHashes(conn, { email: null, phone: value }).phoneHmac;
    const changed = conn
      .update(leads)
      .set(set)
      .where(and(inArray(leads.id, ids), sql`${column} is not ${value}`))
      .returning({ id: leads.id })
      .all();
    if (changed.length > 0) fields.push(field);
    for (const row of changed) touched.add(row.id);
  }
  return { fields, leadIds: [...touched].sort((a, b) => a - b) };
}

// ---------------------------------------------------------------- the request's actions

export function insertDsrAction(
  conn: Conn,
  a: {
    dsrId: number;
    actorUserId: number;
    action: SubjectAction;
    leadIds: readonly number[];
    fieldsChanged?: readonly string[];
    kept?: readonly { leadId: number; reason: string; holdReason: string | null }[];
    detail?: Record<string, unknown>;
  },
  now = Date.now(),
) {
  return conn
    .insert(dsrActions)
    .values({
      dsrId: a.dsrId,
      at: now,
      actorUserId: a.actorUserId,
      action: a.action,
      leadIds: JSON.stringify(a.leadIds),
      leadCount: a.leadIds.length,
      fieldsChanged: a.fieldsChanged ? JSON.stringify(a.fieldsChanged) : null,
      kept: a.kept ? JSON.stringify(a.kept) : null,
      detail: a.detail ? JSON.stringify(a.detail) : null,
    })
    .returning({ id: dsrActions.id })
    .get();
}

/** The request's own timeline: every action, oldest first, with who did it. */
export function listDsrActions(conn: Conn, dsrId: number) {
  return conn
    .select({
      id: dsrActions.id,
      at: dsrActions.at,
      action: dsrActions.action,
      actorName: users.name,
      leadIds: dsrActions.leadIds,
      leadCount: dsrActions.leadCount,
      fieldsChanged: dsrActions.fieldsChanged,
      kept: dsrActions.kept,
      detail: dsrActions.detail,
    })
    .from(dsrActions)
    .leftJoin(users, eq(users.id, dsrActions.actorUserId))
    .where(eq(dsrActions.dsrId, dsrId))
    .orderBy(asc(dsrActions.id))
    .all()
    .map((r) => ({
      ...r,
      leadIds: JSON.parse(r.leadIds) as number[],
      fieldsChanged: r.fieldsChanged ? (JSON.parse(r.fieldsChanged) as string[]) : [],
      kept: r.kept
        ? (JSON.parse(r.kept) as { leadId: number; reason: string; holdReason: string | null }[])
        : [],
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    }));
}
