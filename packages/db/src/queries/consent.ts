import type { ConsentPurpose, ConsentSource, Scope } from '@mg/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection } from '../client';
import { suppressionHash } from '../email-hash';
import {
  type CONSENT_PURPOSE_COLUMNS,
  consentEvents,
  leads,
  outbox,
  projects,
  subsidiaries,
  suppressions,
} from '../schema';
import { asLeadRef, type LeadRef } from './leads/lead-ref';

// ---------------------------------------------------------------- consent events

const ph = sql.placeholder;

function setConsentColumn(conn: Conn, column: (typeof CONSENT_PURPOSE_COLUMNS)[ConsentPurpose]) {
  return conn
    .update(leads)
    .set({ [column]: sql`${ph('granted')}`, updatedAt: sql`${ph('at')}` })
    .where(eq(leads.id, ph('leadId')))
    .prepare();
}

const consentStatements = preparedPerConnection((conn) => ({
  consentEvent: conn
    .insert(consentEvents)
    .values({
      leadId: ph('leadId'),
      purpose: ph('purpose'),
      granted: ph('granted'),
      source: ph('source'),
      policyVersionId: ph('policyVersionId'),
      actorUserId: ph('actorUserId'),
      at: ph('at'),
    })
    .prepare(),
  // One per purpose: the column is part of the SQL. `set` takes no placeholders, so the
  // values go in as SQL params, already in the driver's form (booleans as 0/1).
  consentColumn: {
    marketing_email: setConsentColumn(conn, 'consentEmail'),
    marketing_sms: setConsentColumn(conn, 'consentSms'),
  } satisfies Record<ConsentPurpose, unknown>,
}));

/**
 * The one place consent changes: append the event and keep the lead's current-consent
 * column in step. Never updates or deletes an event.
 */
export function recordConsent(
  conn: Conn,
  {
    lead,
    ...e
  }: {
    lead: LeadRef;
    purpose: ConsentPurpose;
    granted: boolean;
    source: ConsentSource;
    policyVersionId: number | null;
    actorUserId: number | null;
    at: number;
  },
) {
  const q = consentStatements(conn);
  q.consentEvent.run({ ...e, leadId: lead.id });
  q.consentColumn[e.purpose].run({ granted: e.granted ? 1 : 0, at: e.at, leadId: lead.id });
}

// ---------------------------------------------------------------- suppression list

export { suppressionHash } from '../email-hash';

/** Idempotent: an opt-out recorded twice is still one row, with its first time. */
export function recordSuppression(
  conn: Conn,
  { email, purpose, at }: { email: string; purpose: ConsentPurpose; at: number },
) {
  conn
    .insert(suppressions)
    .values({ emailHash: suppressionHash(email), purpose, at })
    .onConflictDoNothing()
    .run();
}

const suppressionLookup = preparedPerConnection((conn) =>
  conn
    .select({ at: suppressions.at })
    .from(suppressions)
    .where(
      and(
        eq(suppressions.emailHash, sql.placeholder('emailHash')),
        eq(suppressions.purpose, sql.placeholder('purpose')),
      ),
    )
    .prepare(),
);

export function isSuppressed(
  conn: Conn,
  { email, purpose }: { email: string; purpose: ConsentPurpose },
): boolean {
  return Boolean(suppressionLookup(conn).get({ emailHash: suppressionHash(email), purpose }));
}

/** The purposes this e-mail has opted out of. */
export function suppressedPurposes(conn: Conn, email: string): Set<ConsentPurpose> {
  const rows = conn
    .select({ purpose: suppressions.purpose })
    .from(suppressions)
    .where(eq(suppressions.emailHash, suppressionHash(email)))
    .all();
  return new Set(rows.map((r) => r.purpose));
}

// ---------------------------------------------------------------- consent changes

export type ConsentState = Record<ConsentPurpose, boolean>;

function currentConsent(row: { consentEmail: boolean; consentSms: boolean }): ConsentState {
  return { marketing_email: row.consentEmail, marketing_sms: row.consentSms };
}

/**
 * Withdraw consent for the given purposes (only those currently granted get an event, so a
 * repeat appends nothing) and put the e-mail on the suppression list for every purpose
 * asked about, so no later intake or import re-subscribes the person. Events go through
 * recordConsent, the one place consent changes. Returns the purposes actually withdrawn and
 * the consent state after, or null when the lead does not exist.
 */
export function withdrawConsent(
  conn: Conn,
  params: {
    lead: LeadRef;
    purposes: readonly ConsentPurpose[];
    source: ConsentSource;
    actorUserId: number | null;
    at: number;
  },
): { withdrawn: ConsentPurpose[]; consent: ConsentState } | null {
  const lead = conn
    .select({
      id: leads.id,
      email: leads.email,
      consentEmail: leads.consentEmail,
      consentSms: leads.consentSms,
    })
    .from(leads)
    .where(eq(leads.id, params.lead.id))
    .get();
  if (!lead) return null;
  const current = currentConsent(lead);
  const withdrawn: ConsentPurpose[] = [];
  for (const purpose of params.purposes) {
    if (current[purpose]) {
      recordConsent(conn, {
        lead: params.lead,
        purpose,
        granted: false,
        source: params.source,
        policyVersionId: null,
        actorUserId: params.actorUserId,
        at: params.at,
      });
      withdrawn.push(purpose);
      current[purpose] = false;
    }
    // An anonymised lead has no e-mail left; its opt-out was kept when it was anonymised.
    if (lead.email) recordSuppression(conn, { email: lead.email, purpose, at: params.at });
  }
  return { withdrawn, consent: current };
}

/** What intake recorded for a lead (its form events), for answering a repeated submission. */
export function intakeConsent(conn: Conn, lead: LeadRef): ConsentState {
  const leadId = lead.id;
  const rows = conn
    .select({ purpose: consentEvents.purpose, granted: consentEvents.granted })
    .from(consentEvents)
    .where(and(eq(consentEvents.leadId, leadId), eq(consentEvents.source, 'form')))
    .orderBy(asc(consentEvents.id))
    .all();
  const state: ConsentState = { marketing_email: false, marketing_sms: false };
  for (const r of rows) state[r.purpose] = r.granted;
  return state;
}

// ---------------------------------------------------------------- intake and unsubscribe

const leadByIdempotencyKey = preparedPerConnection((conn) =>
  conn
    .select({ id: leads.id, projectId: leads.projectId })
    .from(leads)
    .where(eq(leads.idempotencyKey, sql.placeholder('key')))
    .prepare(),
);

export function findLeadByIdempotencyKey(conn: Conn, key: string) {
  const row = leadByIdempotencyKey(conn).get({ key });
  return row && asLeadRef(row);
}

/** The unsubscribe token is never stored: only its SHA-256, which this looks up. */
export function findLeadByUnsubscribeHash(conn: Conn, tokenHash: string) {
  const row = conn
    .select({
      id: leads.id,
      projectName: projects.name,
      consentEmail: leads.consentEmail,
      consentSms: leads.consentSms,
      anonymisedAt: leads.anonymisedAt,
    })
    .from(leads)
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .where(eq(leads.unsubscribeTokenHash, tokenHash))
    .get();
  return row && asLeadRef(row);
}

/** Replace the lead's unsubscribe token hash (a new token makes the old link stop working). */
export function setUnsubscribeTokenHash(conn: Conn, leadId: number, tokenHash: string) {
  conn.update(leads).set({ unsubscribeTokenHash: tokenHash }).where(eq(leads.id, leadId)).run();
}

// ---------------------------------------------------------------- marketing audience

export interface AudienceRow {
  id: number;
  name: string;
  /** E-mail for marketing_email, phone for marketing_sms. */
  contact: string;
  projectName: string;
  /** When the current consent was granted (the latest granted event). */
  grantedAt: number;
}

/**
 * The leads of an audience, as SQL terms over `leads` (or an alias of it): current consent,
 * not restricted, not anonymised, a name, an e-mail and the purpose's contact, in scope, and
 * the e-mail not on the purpose's suppression list (`suppression_hash`, registered by
 * openDatabase, is `suppressionHash`).
 */
function audienceTerms(alias: string, scope: Scope, purpose: ConsentPurpose, byContact = false) {
  const t = sql.raw(alias);
  const consent = sql.raw(purpose === 'marketing_email' ? 'consent_email' : 'consent_sms');
  const contact = sql.raw(purpose === 'marketing_email' ? 'email' : 'phone');
  // Looking up a contact's newer leads, the contact index must drive, never the scope's.
  const scopeTerm =
    scope.kind === 'all'
      ? sql`1`
      : byContact
        ? sql`+${t}.subsidiary_id = ${scope.subsidiaryId}`
        : sql`${t}.subsidiary_id = ${scope.subsidiaryId}`;
  return sql`${t}.${consent} = 1 and ${t}.restricted = 0 and ${t}.anonymised_at is null
    and coalesce(${t}.name, '') <> '' and coalesce(${t}.email, '') <> ''
    and coalesce(${t}.${contact}, '') <> '' and ${scopeTerm}
    and not exists (select 1 from ${suppressions}
      where ${suppressions.emailHash} = suppression_hash(${t}.email)
        and ${suppressions.purpose} = ${purpose})`;
}

/**
 * Leads that may receive marketing for a purpose: current consent, not restricted, not
 * anonymised, not on the suppression list. One row per contact (the newest lead wins), so
 * nobody gets the same mailing twice. Yields chunks (keyset on id); every rule is inside
 * SQL, so memory stays flat however large the audience (no set of contacts seen so far).
 */
export function* listAudience(
  conn: Conn,
  {
    scope,
    purpose,
    chunkSize = 1000,
  }: { scope: Scope; purpose: ConsentPurpose; chunkSize?: number },
): Generator<AudienceRow[]> {
  const contact = sql.raw(purpose === 'marketing_email' ? 'email' : 'phone');
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = conn.all<AudienceRow>(
      sql`select l.id as id, l.name as name, l.${contact} as contact, p.name as projectName,
          (select max(${consentEvents.at}) from ${consentEvents}
            where ${consentEvents.leadId} = l.id and ${consentEvents.purpose} = ${purpose}
              and ${consentEvents.granted} = 1) as grantedAt
        from leads l join ${projects} p on p.id = l.project_id
        where l.id < ${before} and ${audienceTerms('l', scope, purpose)}
          and not exists (select 1 from leads n
            where n.${contact} = l.${contact} and n.id > l.id and ${audienceTerms('n', scope, purpose, true)})
        order by l.id desc limit ${chunkSize}`,
    );
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (!last || rows.length < chunkSize) return;
    before = last.id;
  }
}

/** How many people listAudience would yield (one per contact), counted inside SQLite. */
export function countAudience(
  conn: Conn,
  { scope, purpose }: { scope: Scope; purpose: ConsentPurpose },
): number {
  const contact = sql.raw(purpose === 'marketing_email' ? 'email' : 'phone');
  return conn.get<{ n: number }>(
    sql`select count(distinct l.${contact}) as n from leads l
        where ${audienceTerms('l', scope, purpose)}`,
  ).n;
}

// ---------------------------------------------------------------- forwarding log

/**
 * The messages of one kind sent about a lead (the forwarding log asks for the subsidiary
 * notifications only, not the consumer's own receipt). Only for a lead the caller already
 * holds (a LeadRef).
 */
export function listOutboxForLead(conn: Conn, lead: LeadRef, kind: string) {
  const leadId = lead.id;
  return conn
    .select({
      id: outbox.id,
      kind: outbox.kind,
      toSubsidiaryId: outbox.subsidiaryId,
      toSubsidiaryName: subsidiaries.name,
      status: outbox.status,
      attempts: outbox.attempts,
      createdAt: outbox.createdAt,
      nextAttemptAt: outbox.nextAttemptAt,
      sentAt: outbox.sentAt,
      lastError: outbox.lastError,
    })
    .from(outbox)
    .leftJoin(subsidiaries, eq(subsidiaries.id, outbox.subsidiaryId))
    .where(and(eq(outbox.leadId, leadId), eq(outbox.kind, kind)))
    .orderBy(asc(outbox.createdAt), asc(outbox.id))
    .all();
}
