import type { LeadSource } from '@mg/shared';
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { type Conn, type Db, preparedPerConnection, sqliteOf } from '../../client';
import { hashesForWrite } from '../address-hash';
import { asLeadRef, type LeadRef } from './lead-ref';
import { sortBucketTokensSql } from './search-sorted';

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

/**
 * Plain better-sqlite3 statements, prepared once per connection: every form runs both, and
 * drizzle's prepared queries map each of the lead's eighteen values through its placeholder
 * and column checks first (about a tenth of the insert's CPU, bench/intake/db-path.ts). The
 * column list is what drizzle's insert names: the schema defaults (status 'new', not
 * restricted, no legal hold) as literals, booleans as SQLite's 0/1, nothing else left to a
 * drizzle-side default. `insertLead` tests read the row back through drizzle.
 */
const intakeStatements = preparedPerConnection((conn) => {
  const sqlite = sqliteOf(conn);
  return {
    lead: sqlite.prepare<unknown[], { id: number }>(
      `insert into leads (project_id, subsidiary_id, name, email, phone, message, source,
         policy_version_id, status, restricted, legal_hold, consent_email, consent_sms,
         unsubscribe_token_hash, idempotency_key, created_at, status_changed_at,
         last_activity_at, updated_at, email_hmac, phone_hmac)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'new', 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       returning id`,
    ),
    disclosure: sqlite.prepare<unknown[]>(
      `insert into disclosures (lead_id, subsidiary_id, kind, at) values (?, ?, 'intake', ?)`,
    ),
  };
});

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
  // The audience matches these against the suppression list in SQL (address-hash.ts).
  const hashes = hashesForWrite(conn, lead, { legacy: options.legacySuppressions });
  const at = lead.createdAt;
  const row = q.lead.get(
    lead.projectId,
    lead.subsidiaryId,
    lead.name,
    lead.email,
    lead.phone,
    lead.message,
    lead.source,
    lead.policyVersionId,
    lead.consentEmail ? 1 : 0,
    lead.consentSms ? 1 : 0,
    lead.unsubscribeTokenHash ?? null,
    lead.idempotencyKey ?? null,
    at,
    at,
    at,
    at,
    hashes.emailHmac,
    hashes.phoneHmac,
  );
  if (!row) throw new Error('insert into leads returned no row');
  q.disclosure.run(row.id, lead.subsidiaryId, at);
  if (options.searchIndex !== 'deferred') indexLeadsForSearch(conn, [row.id]);
  return asLeadRef({ id: row.id });
}

/**
 * Write the full-text rows of newly inserted leads, the same columns the update trigger
 * writes (the phone also without its country code; the subsidiary as the scope token; the
 * sort-key bucket tokens of migration 0021).
 * Anonymised leads get no row. Call once per new lead, in the transaction that inserted it.
 */
export function indexLeadsForSearch(conn: Conn, ids: readonly number[]) {
  if (ids.length === 0) return;
  conn.run(
    sql`insert into leads_fts(rowid, name, email, phone, message, scope, sortkey)
        select id, name, email, phone || ' ' || substr(phone, 4), message, 's' || subsidiary_id,
          ${sql.raw(sortBucketTokensSql())}
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
