import type { Scope } from '@mg/shared';
import { and, asc, desc, eq, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../client';
import {
  consentEvents,
  disclosures,
  leadActivities,
  leads,
  projects,
  subsidiaries,
  users,
} from '../../schema';
import { leadScopeById, listColumns } from './common';
import { asLeadRef, type LeadRef } from './lead-ref';

export function getLead(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  const row = conn
    .select({
      ...listColumns,
      message: leads.message,
      source: leads.source,
      policyVersionId: leads.policyVersionId,
      policyLabel: sql<
        string | null
      >`(select label from policy_versions where id = ${leads.policyVersionId})`,
      legalHoldReason: leads.legalHoldReason,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .leftJoin(users, eq(users.id, leads.assigneeUserId))
    .where(and(eq(leads.id, id), leadScopeById(scope)))
    .get();
  return row && asLeadRef(row);
}

/** Only for a lead the caller holds (a LeadRef from getLead). */
export function getLeadHistory(conn: Conn, lead: LeadRef) {
  const leadId = lead.id;
  const consent = conn
    .select({
      id: consentEvents.id,
      purpose: consentEvents.purpose,
      granted: consentEvents.granted,
      source: consentEvents.source,
      policyVersionId: consentEvents.policyVersionId,
      actorName: users.name,
      at: consentEvents.at,
    })
    .from(consentEvents)
    .leftJoin(users, eq(users.id, consentEvents.actorUserId))
    .where(eq(consentEvents.leadId, leadId))
    .orderBy(desc(consentEvents.id))
    .all();
  const activity = conn
    .select({
      id: leadActivities.id,
      kind: leadActivities.kind,
      body: leadActivities.body,
      fromValue: leadActivities.fromValue,
      toValue: leadActivities.toValue,
      // Assignee changes store user ids; the timeline shows names.
      fromUserName: sql<
        string | null
      >`case when ${leadActivities.kind} = 'assignee' then (select name from users where id = cast(${leadActivities.fromValue} as integer)) end`,
      toUserName: sql<
        string | null
      >`case when ${leadActivities.kind} = 'assignee' then (select name from users where id = cast(${leadActivities.toValue} as integer)) end`,
      actorUserId: leadActivities.actorUserId,
      actorName: users.name,
      at: leadActivities.at,
    })
    .from(leadActivities)
    .leftJoin(users, eq(users.id, leadActivities.actorUserId))
    .where(eq(leadActivities.leadId, leadId))
    .orderBy(desc(leadActivities.at), desc(leadActivities.id))
    .all();
  const disclosed = conn
    .select({
      id: disclosures.id,
      kind: disclosures.kind,
      subsidiaryId: disclosures.subsidiaryId,
      subsidiaryName: subsidiaries.name,
      at: disclosures.at,
    })
    .from(disclosures)
    .innerJoin(subsidiaries, eq(subsidiaries.id, disclosures.subsidiaryId))
    .where(eq(disclosures.leadId, leadId))
    .orderBy(asc(disclosures.at))
    .all();
  return { consent, activity, disclosures: disclosed };
}

/** The same person's other leads that this scope may see (normalised e-mail or phone). */
export function listRelatedLeads(
  conn: Conn,
  {
    scope,
    lead,
  }: { scope: Scope; lead: { id: number; email: string | null; phone: string | null } },
) {
  const match: SQL[] = [];
  if (lead.email) match.push(eq(leads.email, lead.email));
  if (lead.phone) match.push(eq(leads.phone, lead.phone));
  if (match.length === 0) return [];
  return conn
    .select({
      id: leads.id,
      projectName: projects.name,
      status: leads.status,
      createdAt: leads.createdAt,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .where(and(or(...match), ne(leads.id, lead.id), leadScopeById(scope)))
    .orderBy(desc(leads.id))
    .limit(50)
    .all();
}
