import { createHash, createHmac } from 'node:crypto';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type ConsentSource,
  normaliseEmail,
  normalisePhone,
  type Scope,
} from '@mg/shared';
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  ne,
  type SQL,
  sql,
} from 'drizzle-orm';
import { type Conn, preparedPerConnection, sqliteOf } from '../client';
import {
  CONSENT_PURPOSE_COLUMNS,
  consentConfirmations,
  consentEvents,
  leads,
  outbox,
  projects,
  subsidiaries,
  suppressions,
} from '../schema';
import { addressHashesPending } from './address-hash';
import { leadScope } from './leads/common';
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

/** One consent event of a lead, as recordConsent and recordConsentOfNewLead take it. */
export interface ConsentEventInput {
  lead: LeadRef;
  purpose: ConsentPurpose;
  granted: boolean;
  source: ConsentSource;
  policyVersionId: number | null;
  actorUserId: number | null;
  at: number;
}

/**
 * The one place consent changes: append the event and keep the lead's current-consent
 * column in step. Never updates or deletes an event.
 */
export function recordConsent(conn: Conn, { lead, ...e }: ConsentEventInput) {
  const q = consentStatements(conn);
  q.consentEvent.run({ ...e, leadId: lead.id });
  q.consentColumn[e.purpose].run({ granted: e.granted ? 1 : 0, at: e.at, leadId: lead.id });
}

/**
 * A consent event of a lead inserted in this same transaction whose current-consent columns
 * insertLead already set to this event's value (`NewLead.consentEmail` / `consentSms`): the
 * event only. Updating the columns after the insert would rewrite the new row, two of its
 * indexes and its dashboard counts once more per ticked purpose (intake, decision 004).
 */
export function recordConsentOfNewLead(conn: Conn, { lead, ...e }: ConsentEventInput) {
  newLeadConsentEvent(conn).run(
    lead.id,
    e.purpose,
    e.granted ? 1 : 0,
    e.source,
    e.policyVersionId,
    e.actorUserId,
    e.at,
  );
}
/**
 * The same insert as `consentEvent`, as a plain better-sqlite3 statement: intake runs it for
 * most forms, and drizzle's mapping of each value costs more than SQLite's insert of the row.
 */
const newLeadConsentEvent = preparedPerConnection((conn) =>
  sqliteOf(conn).prepare<unknown[]>(
    `insert into consent_events (lead_id, purpose, granted, source, policy_version_id,
       actor_user_id, at) values (?, ?, ?, ?, ?, ?, ?)`,
  ),
);

// ---------------------------------------------------------------- suppression key

/**
 * The server secret suppression entries are keyed with, per database connection (like
 * preparedPerConnection, keyed on drizzle's session, so transactions find their database's
 * key). The API sets it at start-up from configuration (apps/api/src/lib/server-secrets.ts);
 * a provider is resolved on first use. Without one, hashing refuses loudly: a silent
 * fallback to an unkeyed hash would write reversible entries.
 */
const suppressionKeys = new WeakMap<object, Uint8Array | (() => Uint8Array)>();

function sessionOf(conn: Conn): object {
  // `session` is drizzle-internal (see preparedPerConnection); a transaction's is its database's.
  return (conn as unknown as { session: object }).session;
}

export const SUPPRESSION_KEY_MIN_BYTES = 32;

/** Set the suppression key of a database (a key, or a function that loads it on first use). */
export function setSuppressionKey(conn: Conn, key: Uint8Array | (() => Uint8Array)): void {
  if (typeof key !== 'function' && key.byteLength < SUPPRESSION_KEY_MIN_BYTES)
    throw new Error(`the suppression key must have at least ${SUPPRESSION_KEY_MIN_BYTES} bytes`);
  suppressionKeys.set(sessionOf(conn), key);
}

export function hasSuppressionKey(conn: Conn): boolean {
  return suppressionKeys.has(sessionOf(conn));
}

/**
 * The key set for a database (a provider resolved now), or null when none is set: a worker
 * thread that opens the same file is handed it, so its counts key addresses alike.
 */
export function suppressionKeyOf(conn: Conn): Uint8Array | null {
  return hasSuppressionKey(conn) ? suppressionKey(conn) : null;
}

function suppressionKey(conn: Conn): Uint8Array {
  const session = sessionOf(conn);
  const entry = suppressionKeys.get(session);
  if (!entry) throw new Error('no suppression key is set for this database (setSuppressionKey)');
  if (typeof entry !== 'function') return entry;
  const key = entry();
  setSuppressionKey(conn, key);
  return key;
}

// ---------------------------------------------------------------- suppression list

/**
 * The address a purpose is about: the normalised e-mail for e-mail marketing, the E.164
 * phone for SMS. Null when the lead has none (anonymised).
 */
export function consentAddress(
  purpose: ConsentPurpose,
  person: { email?: string | null; phone?: string | null },
): string | null {
  if (purpose === 'marketing_email') return person.email ? normaliseEmail(person.email) : null;
  if (!person.phone) return null;
  return normalisePhone(person.phone) ?? person.phone.trim();
}

/**
 * HMAC-SHA-256 of a typed address (`email:…` or `phone:…`) under the server's key: without
 * the key, a list of addresses cannot be matched against the table.
 */
export function suppressionHmac(
  conn: Conn,
  address: { email: string } | { phone: string },
): string {
  const key = suppressionKey(conn);
  const kind = 'email' in address ? 'email' : 'phone';
  const raw = 'email' in address ? address.email : address.phone;
  // Intake keys the same address twice in one form (the opt-out check, then the lead's own
  // key): the last answer per kind is kept, so the phone is parsed and hashed once.
  const last = lastHmac[kind];
  if (last && last.raw === raw && last.key === key) return last.hmac;
  const text =
    kind === 'email'
      ? `email:${normaliseEmail(raw)}`
      : `phone:${normalisePhone(raw) ?? raw.trim()}`;
  const hmac = createHmac('sha256', key).update(text).digest('hex');
  lastHmac[kind] = { raw, key, hmac };
  return hmac;
}
const lastHmac: Record<'email' | 'phone', { raw: string; key: unknown; hmac: string } | null> = {
  email: null,
  phone: null,
};

/**
 * The plain SHA-256 (hex) of the normalised e-mail that entries were keyed with before the
 * server key existed (for both purposes). Only read, never written any more.
 */
export function legacySuppressionHash(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}

/**
 * The keys under which a person's opt-out from a purpose may be stored: the purpose's own
 * address (HMAC), and for SMS also the e-mail (an SMS opt-out recorded when only the e-mail
 * was known, as the legacy entries were), and the legacy plain hash of the e-mail.
 */
function suppressionKeysFor(
  conn: Conn,
  purpose: ConsentPurpose,
  person: { email?: string | null; phone?: string | null },
): string[] {
  return keysOfPerson(conn, person)(purpose);
}

/**
 * suppressionKeysFor for several purposes of one person, each address hashed once; without
 * the legacy key when the caller knows none remains (legacySuppressionsRemain).
 */
function keysOfPerson(
  conn: Conn,
  person: { email?: string | null; phone?: string | null },
  legacy = true,
) {
  let emailKeys: string[] | undefined;
  let phoneKey: string | undefined;
  return (purpose: ConsentPurpose): string[] => {
    const keys: string[] = [];
    if (purpose === 'marketing_sms' && person.phone) {
      phoneKey ??= suppressionHmac(conn, { phone: person.phone });
      keys.push(phoneKey);
    }
    if (person.email) {
      emailKeys ??= legacy
        ? [suppressionHmac(conn, { email: person.email }), legacySuppressionHash(person.email)]
        : [suppressionHmac(conn, { email: person.email })];
      keys.push(...emailKeys);
    }
    return keys;
  };
}

/**
 * Idempotent: an opt-out recorded twice is still one row, with its first time. Keyed on the
 * purpose's address (the phone for SMS); an SMS opt-out with no phone falls back to the e-mail.
 */
export function recordSuppression(
  conn: Conn,
  {
    email,
    phone,
    purpose,
    at,
  }: { email?: string | null; phone?: string | null; purpose: ConsentPurpose; at: number },
) {
  const address =
    purpose === 'marketing_sms' && phone ? { phone } : email ? { email } : phone ? { phone } : null;
  if (!address) return;
  conn
    .insert(suppressions)
    .values({ emailHash: suppressionHmac(conn, address), purpose, at, kind: 'hmac' })
    .onConflictDoNothing()
    .run();
}

/** Remove every entry that suppresses this person for this purpose (double opt-in). */
export function liftSuppression(
  conn: Conn,
  {
    email,
    phone,
    purpose,
  }: { email?: string | null; phone?: string | null; purpose: ConsentPurpose },
): void {
  const keys = suppressionKeysFor(conn, purpose, { email, phone });
  if (keys.length === 0) return;
  conn
    .delete(suppressions)
    .where(and(eq(suppressions.purpose, purpose), inArray(suppressions.emailHash, keys)))
    .run();
}

const suppressionStatements = preparedPerConnection((conn) => ({
  // Every entry stored under any of the given keys (a JSON array): one index seek per key.
  byKeys: conn
    .select({ hash: suppressions.emailHash, purpose: suppressions.purpose })
    .from(suppressions)
    .where(sql`${suppressions.emailHash} in (select value from json_each(${ph('keys')}))`)
    .prepare(),
}));

/**
 * Which of `purposes` this person (e-mail, and phone for SMS) has opted out of, under the
 * keys suppressionKeysFor names. Each key is hashed once and looked up in one prepared
 * statement, however many purposes are asked: intake asks for every form that ticks one.
 */
export function suppressedAmong(
  conn: Conn,
  person: { email?: string | null; phone?: string | null },
  purposes: readonly ConsentPurpose[],
  options: { legacy?: boolean } = {},
): Set<ConsentPurpose> {
  const found = new Set<ConsentPurpose>();
  if (purposes.length === 0) return found;
  const keysOf = keysOfPerson(conn, person, options.legacy !== false);
  const keysByPurpose = new Map(purposes.map((p) => [p, keysOf(p)]));
  const all = [...new Set([...keysByPurpose.values()].flat())];
  if (all.length === 0) return found;
  const rows = suppressionStatements(conn).byKeys.all({ keys: JSON.stringify(all) });
  for (const [purpose, keys] of keysByPurpose)
    if (rows.some((r) => r.purpose === purpose && keys.includes(r.hash))) found.add(purpose);
  return found;
}

export function isSuppressed(
  conn: Conn,
  {
    email,
    phone,
    purpose,
  }: { email?: string | null; phone?: string | null; purpose: ConsentPurpose },
): boolean {
  return suppressedAmong(conn, { email, phone }, [purpose]).has(purpose);
}

/** The purposes this person (e-mail, and phone for SMS) has opted out of. */
export function suppressedPurposes(
  conn: Conn,
  email: string,
  phone?: string | null,
): Set<ConsentPurpose> {
  return suppressedAmong(conn, { email, phone }, CONSENT_PURPOSES);
}

/**
 * Re-key legacy entries (plain SHA-256 of the e-mail) whose address a lead still holds:
 * each becomes the HMAC entry of that e-mail for the same purpose, with its first time, and
 * the reversible row goes. Entries whose address no lead holds any more (anonymised) stay
 * and keep suppressing (isSuppressed checks both kinds). Reads the leads only when legacy
 * rows exist. Returns how many were re-keyed and how many remain.
 */
export function rekeyLegacySuppressions(conn: Conn): { rekeyed: number; remaining: number } {
  const legacy = conn
    .select({ hash: suppressions.emailHash, purpose: suppressions.purpose, at: suppressions.at })
    .from(suppressions)
    .where(eq(suppressions.kind, 'sha256'))
    .all();
  if (legacy.length === 0) return { rekeyed: 0, remaining: 0 };
  const byHash = new Map<string, typeof legacy>();
  for (const row of legacy) byHash.set(row.hash, [...(byHash.get(row.hash) ?? []), row]);
  let rekeyed = 0;
  let after = 0;
  // Keyset over leads with an e-mail, so a large table is read in bounded pieces.
  for (;;) {
    const page = conn
      .select({ id: leads.id, email: leads.email })
      .from(leads)
      .where(and(gt(leads.id, after), isNotNull(leads.email)))
      .orderBy(asc(leads.id))
      .limit(5000)
      .all();
    for (const lead of page) {
      if (!lead.email) continue;
      const rows = byHash.get(legacySuppressionHash(lead.email));
      if (!rows) continue;
      byHash.delete(legacySuppressionHash(lead.email));
      for (const row of rows) {
        conn
          .insert(suppressions)
          .values({
            emailHash: suppressionHmac(conn, { email: lead.email }),
            purpose: row.purpose,
            at: row.at,
            kind: 'hmac',
          })
          .onConflictDoNothing()
          .run();
        conn
          .delete(suppressions)
          .where(and(eq(suppressions.emailHash, row.hash), eq(suppressions.purpose, row.purpose)))
          .run();
        rekeyed++;
      }
    }
    const last = page.at(-1);
    if (!last || byHash.size === 0) break;
    after = last.id;
  }
  return { rekeyed, remaining: legacy.length - rekeyed };
}

// ---------------------------------------------------------------- consent changes

export type ConsentState = Record<ConsentPurpose, boolean>;

function currentConsent(row: { consentEmail: boolean; consentSms: boolean }): ConsentState {
  return { marketing_email: row.consentEmail, marketing_sms: row.consentSms };
}

/**
 * A person has a few leads. If one address matches more than this, something is wrong (a
 * shared test address, an import gone bad): the withdrawal still reaches this many, the
 * suppression entry covers every future form, and the caller logs that it was capped.
 */
export const PERSON_LEADS_CAP = 100;

/**
 * Withdraw consent for the given purposes from the *person*: every lead with the same
 * normalised e-mail (e-mail purpose) or phone (SMS purpose), at any subsidiary, that
 * currently consents gets its own withdrawal event through recordConsent (so the grid's
 * consent filters, the lead CSV and the audience agree), and the address goes on the
 * suppression list for every purpose asked about, so no later form or import re-subscribes
 * the person. A repeat appends nothing. Returns what changed on `lead` itself (all a
 * subsidiary user may be told), every lead that got an event (for the access log, which
 * holds ids only), and whether the cap cut the fan-out; or null when the lead does not exist.
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
): {
  withdrawn: ConsentPurpose[];
  consent: ConsentState;
  touchedLeadIds: number[];
  capped: boolean;
} | null {
  const lead = conn
    .select({
      id: leads.id,
      email: leads.email,
      phone: leads.phone,
      consentEmail: leads.consentEmail,
      consentSms: leads.consentSms,
    })
    .from(leads)
    .where(eq(leads.id, params.lead.id))
    .get();
  if (!lead) return null;
  const current = currentConsent(lead);
  const withdrawn: ConsentPurpose[] = [];
  const touched = new Set<number>();
  let capped = false;
  for (const purpose of new Set(params.purposes)) {
    const column = leads[CONSENT_PURPOSE_COLUMNS[purpose]];
    const address = consentAddress(purpose, lead);
    // The person's other consenting leads (anonymised ones hold no address, so never match).
    const others = address
      ? conn
          .select({ id: leads.id })
          .from(leads)
          .where(
            and(
              eq(purpose === 'marketing_email' ? leads.email : leads.phone, address),
              eq(column, true),
              ne(leads.id, lead.id),
            ),
          )
          .orderBy(asc(leads.id))
          .limit(PERSON_LEADS_CAP)
          .all()
      : [];
    if (others.length >= PERSON_LEADS_CAP) capped = true;
    const targets = [...(current[purpose] ? [lead.id] : []), ...others.map((o) => o.id)];
    for (const id of targets) {
      recordConsent(conn, {
        lead: asLeadRef({ id }),
        purpose,
        granted: false,
        source: params.source,
        policyVersionId: null,
        actorUserId: params.actorUserId,
        at: params.at,
      });
      touched.add(id);
    }
    if (current[purpose]) {
      withdrawn.push(purpose);
      current[purpose] = false;
    }
    // An anonymised lead has no address left; its opt-out was kept when it was anonymised.
    recordSuppression(conn, { email: lead.email, phone: lead.phone, purpose, at: params.at });
  }
  return { withdrawn, consent: current, touchedLeadIds: [...touched], capped };
}

/**
 * An objection to direct marketing (GDPR art. 21(2)-(3)) ends every marketing purpose for the
 * person: withdrawConsent for all purposes, across all their leads. For the objection flow of
 * a data subject request; the caller writes the access-log entry with `touchedLeadIds`.
 */
export function withdrawAllMarketing(
  conn: Conn,
  params: { lead: LeadRef; source?: ConsentSource; actorUserId: number | null; at: number },
) {
  return withdrawConsent(conn, {
    lead: params.lead,
    purposes: CONSENT_PURPOSES,
    source: params.source ?? 'dsr',
    actorUserId: params.actorUserId,
    at: params.at,
  });
}

// ---------------------------------------------------------------- double opt-in

/** Store a confirmation link's hash (the token itself is only in the receipt mail). */
export function insertConsentConfirmation(
  conn: Conn,
  c: {
    lead: LeadRef;
    tokenHash: string;
    purposes: readonly ConsentPurpose[];
    at: number;
    expiresAt: number;
  },
): void {
  conn
    .insert(consentConfirmations)
    .values({
      tokenHash: c.tokenHash,
      leadId: c.lead.id,
      purposes: c.purposes.join(','),
      createdAt: c.at,
      expiresAt: c.expiresAt,
    })
    .run();
}

function parsePurposes(text: string): ConsentPurpose[] {
  return CONSENT_PURPOSES.filter((p) => text.split(',').includes(p));
}

export type ConfirmationState = 'open' | 'used' | 'expired';
export type ConsentPurposeList = readonly ConsentPurpose[];

/** What a confirmation link is for, read only (the GET page changes nothing). */
export function findConsentConfirmation(conn: Conn, tokenHash: string, now: number) {
  const row = conn
    .select({
      leadId: consentConfirmations.leadId,
      purposes: consentConfirmations.purposes,
      expiresAt: consentConfirmations.expiresAt,
      usedAt: consentConfirmations.usedAt,
      projectName: projects.name,
      anonymisedAt: leads.anonymisedAt,
    })
    .from(consentConfirmations)
    .innerJoin(leads, eq(leads.id, consentConfirmations.leadId))
    .innerJoin(projects, eq(projects.id, leads.projectId))
    .where(eq(consentConfirmations.tokenHash, tokenHash))
    .get();
  // An anonymised lead has no address to confirm for: the link is dead.
  if (!row || row.anonymisedAt !== null) return undefined;
  const state: ConfirmationState =
    row.usedAt !== null ? 'used' : row.expiresAt <= now ? 'expired' : 'open';
  return {
    leadId: row.leadId,
    projectName: row.projectName,
    purposes: parsePurposes(row.purposes),
    state,
  };
}

/**
 * Use a confirmation link once: mark it used, record a 'double_opt_in' granted event per
 * purpose on its lead (under the policy version the form was sent with) and lift the
 * suppression for those purposes. Call inside a transaction with the access-log entry.
 */
export function confirmConsent(
  conn: Conn,
  { tokenHash, at }: { tokenHash: string; at: number },
):
  | { kind: 'confirmed'; lead: LeadRef; purposes: ConsentPurpose[] }
  | { kind: 'used' | 'expired' | 'unknown' } {
  const found = findConsentConfirmation(conn, tokenHash, at);
  if (!found) return { kind: 'unknown' };
  if (found.state !== 'open') return { kind: found.state };
  // Guarded on used_at, so two racing POSTs cannot both confirm.
  const claimed = conn
    .update(consentConfirmations)
    .set({ usedAt: at })
    .where(and(eq(consentConfirmations.tokenHash, tokenHash), isNull(consentConfirmations.usedAt)))
    .run();
  if (claimed.changes !== 1) return { kind: 'used' };
  const lead = conn
    .select({
      id: leads.id,
      email: leads.email,
      phone: leads.phone,
      policyVersionId: leads.policyVersionId,
    })
    .from(leads)
    .where(eq(leads.id, found.leadId))
    .get();
  if (!lead) return { kind: 'unknown' };
  const ref = asLeadRef({ id: lead.id });
  for (const purpose of found.purposes) {
    recordConsent(conn, {
      lead: ref,
      purpose,
      granted: true,
      source: 'double_opt_in',
      policyVersionId: lead.policyVersionId,
      actorUserId: null,
      at,
    });
    liftSuppression(conn, { email: lead.email, phone: lead.phone, purpose });
  }
  return { kind: 'confirmed', lead: ref, purposes: found.purposes };
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

/** A plain statement: every intake with a key asks, and nearly always finds nothing. */
const leadByIdempotencyKey = preparedPerConnection((conn) =>
  sqliteOf(conn).prepare<[string], { id: number; projectId: number }>(
    'select id, project_id as projectId from leads where idempotency_key = ?',
  ),
);

export function findLeadByIdempotencyKey(conn: Conn, key: string) {
  const row = leadByIdempotencyKey(conn).get(key);
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
 * Leads that may receive marketing for a purpose: current consent, not restricted, not
 * anonymised, not on the suppression list. One row per contact (the newest lead wins), so
 * nobody gets the same mailing twice. Yields chunks (keyset on id) so a large audience is
 * never one giant statement.
 */
export function* listAudience(
  conn: Conn,
  {
    scope,
    purpose,
    chunkSize = 1000,
  }: { scope: Scope; purpose: ConsentPurpose; chunkSize?: number },
): Generator<AudienceRow[]> {
  const contactColumn = purpose === 'marketing_email' ? leads.email : leads.phone;
  // Every key this purpose is suppressed under (HMAC and legacy): a lead is out when any of
  // its own keys is here (suppressionKeysFor), the same test intake makes.
  const suppressed = new Set(
    conn
      .select({ emailHash: suppressions.emailHash })
      .from(suppressions)
      .where(eq(suppressions.purpose, purpose))
      .all()
      .map((r) => r.emailHash),
  );
  const seen = new Set<string>();
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = conn
      .select({
        id: leads.id,
        name: leads.name,
        email: leads.email,
        phone: leads.phone,
        contact: contactColumn,
        projectName: projects.name,
        grantedAt: sql<number>`(select max(${consentEvents.at}) from ${consentEvents} where ${consentEvents.leadId} = ${leads.id} and ${consentEvents.purpose} = ${purpose} and ${consentEvents.granted} = 1)`,
      })
      .from(leads)
      .innerJoin(projects, eq(projects.id, leads.projectId))
      .where(
        and(
          eq(leads[CONSENT_PURPOSE_COLUMNS[purpose]], true),
          eq(leads.restricted, false),
          isNull(leads.anonymisedAt),
          lt(leads.id, before),
          leadScope(scope),
        ),
      )
      .orderBy(desc(leads.id))
      .limit(chunkSize)
      .all();
    const out: AudienceRow[] = [];
    for (const r of rows) {
      if (!r.name || !r.email || !r.contact) continue;
      if (
        suppressed.size > 0 &&
        suppressionKeysFor(conn, purpose, r).some((key) => suppressed.has(key))
      )
        continue;
      if (seen.has(r.contact)) continue;
      seen.add(r.contact);
      out.push({
        id: r.id,
        name: r.name,
        contact: r.contact,
        projectName: r.projectName,
        grantedAt: r.grantedAt,
      });
    }
    if (out.length > 0) yield out;
    const last = rows.at(-1);
    if (!last || rows.length < chunkSize) return;
    before = last.id;
  }
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

/**
 * The ids of the leads listAudience would yield, newest first, without reading what it shows:
 * per contact the newest lead that no opt-out reaches, one GROUP BY over the purpose's
 * partial index (as countAudience). The export logs these ids first and then streams their
 * rows in chunks (audienceRowsByIds), so it never holds the audience's rows in memory. Until
 * every lead has its address hashes, the ids come from listAudience itself.
 */
export function listAudienceIds(
  conn: Conn,
  { scope, purpose }: { scope: Scope; purpose: ConsentPurpose },
): number[] {
  if (addressHashesPending(conn)) {
    const ids: number[] = [];
    for (const chunk of listAudience(conn, { scope, purpose }))
      for (const row of chunk) ids.push(row.id);
    return ids;
  }
  const contact = purpose === 'marketing_email' ? sql.raw('email') : sql.raw('phone');
  const index = sql.raw(
    purpose === 'marketing_email' ? 'leads_audience_email_idx' : 'leads_audience_sms_idx',
  );
  return conn
    .all<{ id: number }>(
      sql`select max(id) as id from leads indexed by ${index}
          where ${audienceTerms(purpose, scope)} and id not in (${suppressedLeadIds(purpose)})
          group by ${contact} order by id desc`,
    )
    .map((r) => r.id);
}

/**
 * The export rows of the given audience ids (one chunk of listAudienceIds), newest first. The
 * terms are checked again: a lead anonymised, restricted or withdrawn since the ids were
 * taken is left out of the file (its id stays in the log entry, which names what was
 * selected).
 */
export function audienceRowsByIds(
  conn: Conn,
  { purpose, ids }: { purpose: ConsentPurpose; ids: readonly number[] },
): AudienceRow[] {
  if (ids.length === 0) return [];
  const contactColumn = purpose === 'marketing_email' ? leads.email : leads.phone;
  return (
    conn
      .select({
        id: leads.id,
        name: sql<string>`${leads.name}`,
        contact: sql<string>`${contactColumn}`,
        projectName: projects.name,
        grantedAt: sql<number>`(select max(${consentEvents.at}) from ${consentEvents} where ${consentEvents.leadId} = ${leads.id} and ${consentEvents.purpose} = ${purpose} and ${consentEvents.granted} = 1)`,
      })
      .from(leads)
      .innerJoin(projects, eq(projects.id, leads.projectId))
      // The terms on leads alone (a subquery), where the project's name cannot make them ambiguous.
      .where(
        sql`${leads.id} in (select id from leads where id in (select value from json_each(${JSON.stringify(ids)})) and ${audienceLeadTerms(purpose)})`,
      )
      .orderBy(desc(leads.id))
      .all()
  );
}

/**
 * The leads a purpose's audience is drawn from, as SQL terms written exactly as the partial
 * index of the purpose (leads_audience_email_idx / leads_audience_sms_idx) states them, so
 * the planner reads that index alone: current consent, not restricted, not anonymised, and a
 * name, e-mail and contact (listAudience skips empty values as well as missing ones).
 */
function audienceTerms(purpose: ConsentPurpose, scope: Scope): SQL {
  const base = audienceLeadTerms(purpose);
  return scope.kind === 'all' ? base : sql`${base} and subsidiary_id = ${scope.subsidiaryId}`;
}

/** The same terms without the scope, for leads already taken within it. */
function audienceLeadTerms(purpose: ConsentPurpose): SQL {
  return purpose === 'marketing_email'
    ? sql`consent_email = 1 and restricted = 0 and anonymised_at is null and name <> '' and email <> ''`
    : sql`consent_sms = 1 and restricted = 0 and anonymised_at is null and name <> '' and email <> '' and phone <> ''`;
}

/**
 * The ids of the leads a purpose's opt-outs reach: a lead whose own key (leads.email_hmac,
 * and for SMS also phone_hmac) is on the suppression list, found from the list (short) by
 * the hash indexes. Legacy entries need no look-up: none matches a lead's e-mail (they are
 * re-keyed at start-up and whenever a lead takes their address; address-hash.ts).
 */
function suppressedLeadIds(purpose: ConsentPurpose): SQL {
  const keys = sql`select email_hash from suppressions where purpose = ${purpose} and kind = 'hmac'`;
  return purpose === 'marketing_email'
    ? sql`select id from leads where email_hmac in (${keys})`
    : sql`select id from leads where phone_hmac in (${keys}) union select id from leads where email_hmac in (${keys})`;
}

/**
 * How many people listAudience would yield, counted in SQL without reading what it shows
 * (issue 11): one GROUP BY over the purpose's partial index in contact order, less the leads
 * the suppression list reaches. The rules are listAudience's: each contact counts once, and
 * is out only when every lead holding it is suppressed. Until the start-up backfill has given
 * every lead its address hashes, the contacts are read and tested in JavaScript as before.
 * The tests in audience-count.test.ts compare it with listAudience (the oracle).
 */
export function countAudience(
  conn: Conn,
  {
    scope,
    purpose,
    chunkSize = 5000,
  }: { scope: Scope; purpose: ConsentPurpose; chunkSize?: number },
): number {
  if (addressHashesPending(conn)) return countAudienceInJs(conn, { scope, purpose, chunkSize });
  const contact = purpose === 'marketing_email' ? sql.raw('email') : sql.raw('phone');
  // Named, so a subsidiary's count also streams over it in contact order (a subsidiary's
  // grid index would read each lead's row and sort the contacts).
  const index = sql.raw(
    purpose === 'marketing_email' ? 'leads_audience_email_idx' : 'leads_audience_sms_idx',
  );
  return (
    conn.get<{ n: number }>(
      sql`select count(*) as n from (
            select ${contact} from leads indexed by ${index}
            where ${audienceTerms(purpose, scope)} and id not in (${suppressedLeadIds(purpose)})
            group by ${contact})`,
    )?.n ?? 0
  );
}

/**
 * The same count from listAudience itself, for a database whose address hashes are still
 * being filled: slower, but by construction the rule the SQL count is tested against.
 */
function countAudienceInJs(
  conn: Conn,
  { scope, purpose, chunkSize }: { scope: Scope; purpose: ConsentPurpose; chunkSize: number },
): number {
  let n = 0;
  for (const chunk of listAudience(conn, { scope, purpose, chunkSize })) n += chunk.length;
  return n;
}
