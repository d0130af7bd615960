import type { ConsentPurpose, ConsentSource, LeadListInput, LeadSource, Scope } from '@mg/shared';
import { and, asc, desc, eq, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../client';
import {
  CONSENT_PURPOSE_COLUMNS,
  consentEvents,
  disclosures,
  leadActivities,
  leads,
  projects,
  subsidiaries,
  users,
} from '../schema';

/** Every lead query goes through this: a subsidiary scope limits rows to that subsidiary. */
export function leadScope(scope: Scope): SQL | undefined {
  return scope.kind === 'all' ? undefined : eq(leads.subsidiaryId, scope.subsidiaryId);
}

const listColumns = {
  id: leads.id,
  name: leads.name,
  email: leads.email,
  phone: leads.phone,
  status: leads.status,
  projectId: leads.projectId,
  projectName: projects.name,
  subsidiaryId: leads.subsidiaryId,
  subsidiaryName: subsidiaries.name,
  consentEmail: leads.consentEmail,
  consentSms: leads.consentSms,
  restricted: leads.restricted,
  legalHold: leads.legalHold,
  anonymisedAt: leads.anonymisedAt,
  createdAt: leads.createdAt,
};

/**
 * Turn what a person typed into a safe FTS5 query: every word becomes a quoted prefix
 * term, all of them required. No FTS syntax from the input survives.
 */
export function toFtsQuery(input: string): string | null {
  const words = input.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

function leadFilter(scope: Scope, filter: Omit<LeadListInput, 'cursor' | 'limit'>) {
  const conditions: (SQL | undefined)[] = [leadScope(scope)];
  if (filter.projectId) conditions.push(eq(leads.projectId, filter.projectId));
  if (filter.subsidiaryId) conditions.push(eq(leads.subsidiaryId, filter.subsidiaryId));
  if (filter.status) conditions.push(eq(leads.status, filter.status));
  if (filter.consent) conditions.push(eq(leads[CONSENT_PURPOSE_COLUMNS[filter.consent]], true));
  const match = filter.search ? toFtsQuery(filter.search) : null;
  if (match) {
    conditions.push(
      sql`${leads.id} in (select rowid from leads_fts where leads_fts match ${match})`,
    );
  }
  return and(...conditions);
}

/** Newest first, keyset on id (ids grow with intake time). */
export function listLeads(conn: Conn, { scope, filter }: { scope: Scope; filter: LeadListInput }) {
  const where = and(
    leadFilter(scope, filter),
    filter.cursor ? lt(leads.id, filter.cursor) : undefined,
  );
  const rows = conn
    .select(listColumns)
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .where(where)
    .orderBy(desc(leads.id))
    .limit(filter.limit + 1)
    .all();
  const hasMore = rows.length > filter.limit;
  const items = hasMore ? rows.slice(0, filter.limit) : rows;
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}

export function countLeads(
  conn: Conn,
  { scope, filter }: { scope: Scope; filter: Omit<LeadListInput, 'cursor' | 'limit'> },
) {
  return (
    conn.select({ n: sql<number>`count(*)` }).from(leads).where(leadFilter(scope, filter)).get()
      ?.n ?? 0
  );
}

export function getLead(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  return conn
    .select({
      ...listColumns,
      message: leads.message,
      source: leads.source,
      policyVersionId: leads.policyVersionId,
      policyLabel: sql<
        string | null
      >`(select label from policy_versions where id = ${leads.policyVersionId})`,
      assigneeUserId: leads.assigneeUserId,
      assigneeName: users.name,
      legalHoldReason: leads.legalHoldReason,
      statusChangedAt: leads.statusChangedAt,
      lastActivityAt: leads.lastActivityAt,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .innerJoin(subsidiaries, eq(subsidiaries.id, leads.subsidiaryId))
    .leftJoin(users, eq(users.id, leads.assigneeUserId))
    .where(and(eq(leads.id, id), leadScope(scope)))
    .get();
}

/** Only for rows the caller already holds through getLead. */
export function getLeadHistory(conn: Conn, leadId: number) {
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
    .where(and(or(...match), ne(leads.id, lead.id), leadScope(scope)))
    .orderBy(desc(leads.id))
    .limit(50)
    .all();
}

export interface NewLead {
  projectId: number;
  subsidiaryId: number;
  name: string;
  email: string;
  phone: string;
  message: string | null;
  source: LeadSource;
  policyVersionId: number | null;
  idempotencyKey?: string | null;
  unsubscribeTokenHash?: string | null;
  createdAt: number;
}

/** A lead and its disclosure to the project's subsidiary (call inside a transaction). */
export function insertLead(conn: Conn, lead: NewLead) {
  const row = conn
    .insert(leads)
    .values({
      ...lead,
      statusChangedAt: lead.createdAt,
      lastActivityAt: lead.createdAt,
      updatedAt: lead.createdAt,
    })
    .returning({ id: leads.id })
    .get();
  conn
    .insert(disclosures)
    .values({ leadId: row.id, subsidiaryId: lead.subsidiaryId, kind: 'intake', at: lead.createdAt })
    .run();
  return row;
}

/**
 * The one place consent changes: append the event and keep the lead's current-consent
 * column in step. Never updates or deletes an event.
 */
export function recordConsent(
  conn: Conn,
  e: {
    leadId: number;
    purpose: ConsentPurpose;
    granted: boolean;
    source: ConsentSource;
    policyVersionId: number | null;
    actorUserId: number | null;
    at: number;
  },
) {
  conn.insert(consentEvents).values(e).run();
  conn
    .update(leads)
    .set({ [CONSENT_PURPOSE_COLUMNS[e.purpose]]: e.granted, updatedAt: e.at })
    .where(eq(leads.id, e.leadId))
    .run();
}

export function leadIdsInScope(conn: Conn, scope: Scope, ids: number[]) {
  if (ids.length === 0) return [];
  return conn
    .select({ id: leads.id })
    .from(leads)
    .where(and(inArray(leads.id, ids), leadScope(scope)))
    .all()
    .map((r) => r.id);
}
