import type { LeadSource } from '@mg/shared';
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { type Conn, type Db, preparedPerConnection } from '../../client';
import { disclosures, leads } from '../../schema';
import { hashesForWrite } from '../address-hash';
import { asLeadRef, type LeadRef } from './lead-ref';

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
  /**
   * Current consent at insert (default none). The caller records the matching events in the
   * same transaction with recordConsentOfNewLead, so columns and events agree from the start.
   */
  consentEmail?: boolean;
  consentSms?: boolean;
  createdAt: number;
}

const ph = sql.placeholder;

const intakeStatements = preparedPerConnection((conn) => ({
  lead: conn
    .insert(leads)
    .values({
      projectId: ph('projectId'),
      subsidiaryId: ph('subsidiaryId'),
      name: ph('name'),
      email: ph('email'),
      phone: ph('phone'),
      message: ph('message'),
      source: ph('source'),
      policyVersionId: ph('policyVersionId'),
      idempotencyKey: ph('idempotencyKey'),
      unsubscribeTokenHash: ph('unsubscribeTokenHash'),
      consentEmail: ph('consentEmail'),
      consentSms: ph('consentSms'),
      emailHmac: ph('emailHmac'),
      phoneHmac: ph('phoneHmac'),
      createdAt: ph('createdAt'),
      statusChangedAt: ph('createdAt'),
      lastActivityAt: ph('createdAt'),
      updatedAt: ph('createdAt'),
    })
    .returning({ id: leads.id })
    .prepare(),
  disclosure: conn
    .insert(disclosures)
    .values({
      leadId: ph('leadId'),
      subsidiaryId: ph('subsidiaryId'),
      kind: 'intake',
      at: ph('at'),
    })
    .prepare(),
}));

/**
 * A lead and its disclosure to the project's subsidiary (call inside a transaction), and its
 * full-text row (migration 0007: no trigger writes it). `searchIndex: 'deferred'` leaves the
 * full-text row to the caller, who must call `indexLeadsForSearch` with the id in the same
 * transaction: intake does so once per batch, so FTS5 writes one segment per batch instead
 * of one per form.
 */
export function insertLead(
  conn: Conn,
  lead: NewLead,
  options: {
    searchIndex?: 'now' | 'deferred';
    /** false: legacySuppressionsRemain said none, in this transaction (hashesForWrite). */
    legacySuppressions?: boolean;
  } = {},
): LeadRef {
  const q = intakeStatements(conn);
  const row = q.lead.get({
    ...lead,
    // The audience matches these against the suppression list in SQL (address-hash.ts).
    ...hashesForWrite(conn, lead, { legacy: options.legacySuppressions }),
    idempotencyKey: lead.idempotencyKey ?? null,
    unsubscribeTokenHash: lead.unsubscribeTokenHash ?? null,
    // Placeholders reach the driver as they are: booleans as SQLite's 0/1.
    consentEmail: lead.consentEmail ? 1 : 0,
    consentSms: lead.consentSms ? 1 : 0,
  });
  if (!row) throw new Error('insert into leads returned no row');
  q.disclosure.run({ leadId: row.id, subsidiaryId: lead.subsidiaryId, at: lead.createdAt });
  if (options.searchIndex !== 'deferred') indexLeadsForSearch(conn, [row.id]);
  return asLeadRef({ id: row.id });
}

/**
 * Write the full-text rows of newly inserted leads, the same columns the update trigger
 * writes (the phone also without its country code; the subsidiary as the scope token).
 * Anonymised leads get no row. Call once per new lead, in the transaction that inserted it.
 */
export function indexLeadsForSearch(conn: Conn, ids: readonly number[]) {
  if (ids.length === 0) return;
  conn.run(
    sql`insert into leads_fts(rowid, name, email, phone, message, scope)
        select id, name, email, phone || ' ' || substr(phone, 4), message, 's' || subsidiary_id
        from leads where id in (select value from json_each(${JSON.stringify(ids)}))
        and anonymised_at is null`,
  );
}

/**
 * `fn` in a transaction of its own, or in a savepoint when one is open, exactly as
 * `db.transaction(fn)` (better-sqlite3's transaction function underneath: a throw rolls
 * back to where it began and is rethrown), but with `db` itself as the connection. drizzle
 * builds a transaction object per call, whose constructor sets up the relational query
 * builders of every table: about a fourteenth of a form's CPU on the intake path, where
 * every form has its savepoint. Same connection, so prepared statements and the
 * suppression key are the database's.
 */
export function inTransaction<T>(db: Db, fn: (conn: Conn) => T): T {
  let run = savepoints.get(db);
  if (!run) {
    const client = (db as Db & { $client?: Database.Database }).$client;
    // drizzle() always sets $client; without it, drizzle's own transaction does the same.
    run = client
      ? client.transaction((body: (conn: Conn) => unknown) => body(db))
      : (body: (conn: Conn) => unknown) => db.transaction((tx) => body(tx));
    savepoints.set(db, run);
  }
  return run(fn) as T;
}
const savepoints = new WeakMap<Db, (body: (conn: Conn) => unknown) => unknown>();
