import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection } from '../client';
import { leads, suppressions } from '../schema';
import { legacySuppressionHash, suppressionHmac } from './consent';

/**
 * The lead's own suppression keys (leads.email_hmac / phone_hmac): the keys recordSuppression
 * writes for its e-mail and phone, so the audience is matched against the suppression list in
 * SQL. Null for a missing or empty address (which the audience never holds either).
 */
export interface AddressHashes {
  emailHmac: string | null;
  phoneHmac: string | null;
}

export function addressHashes(
  conn: Conn,
  { email, phone }: { email: string | null; phone: string | null },
): AddressHashes {
  return {
    emailHmac: email ? suppressionHmac(conn, { email }) : null,
    phoneHmac: phone ? suppressionHmac(conn, { phone }) : null,
  };
}

const legacyStatements = preparedPerConnection((conn) => ({
  byHash: conn
    .select({ purpose: suppressions.purpose, at: suppressions.at })
    .from(suppressions)
    .where(
      and(eq(suppressions.emailHash, sql.placeholder('legacy')), eq(suppressions.kind, 'sha256')),
    )
    .prepare(),
}));

/** The kind as a literal, not a bound value: only then can SQLite use the partial index. */
export const LEGACY_PROBE_SQL = sql`select 1 as one from suppressions where kind = 'sha256' limit 1`;

/**
 * Whether any legacy opt-out (plain SHA-256) remains: one probe of the partial index
 * suppressions_legacy_idx. Nothing writes them any more (only imports of old data), and
 * intake only removes them (re-keying), so once none remains, a transaction may skip the
 * legacy key of every address it writes or checks (`legacy: false` below).
 */
export function legacySuppressionsRemain(conn: Conn): boolean {
  return conn.get<{ one: number } | undefined>(LEGACY_PROBE_SQL) !== undefined;
}

/**
 * A legacy opt-out (plain SHA-256, from before the server key) of an e-mail a lead is about to
 * hold becomes its HMAC entry, as rekeyLegacySuppressions does at start-up for the addresses
 * leads held then. So no lead's e-mail ever matches a legacy entry, and the audience counted
 * in SQL needs only the HMAC keys. Call on every write that sets or changes an e-mail.
 */
export function rekeyLegacySuppressionOf(conn: Conn, email: string | null): void {
  if (!email) return;
  const legacy = legacySuppressionHash(email);
  // Prepared once: every intake asks, and almost always finds nothing.
  const rows = legacyStatements(conn).byHash.all({ legacy });
  if (rows.length === 0) return;
  const hmac = suppressionHmac(conn, { email });
  for (const row of rows)
    conn
      .insert(suppressions)
      .values({ emailHash: hmac, purpose: row.purpose, at: row.at, kind: 'hmac' })
      .onConflictDoNothing()
      .run();
  conn
    .delete(suppressions)
    .where(and(eq(suppressions.emailHash, legacy), eq(suppressions.kind, 'sha256')))
    .run();
}

/**
 * The address hashes of a lead being written: its legacy opt-outs re-keyed, then its keys.
 * `legacy: false` (the caller asked legacySuppressionsRemain in this transaction) skips the
 * legacy lookup, which then can find nothing.
 */
export function hashesForWrite(
  conn: Conn,
  address: { email: string | null; phone: string | null },
  options: { legacy?: boolean } = {},
): AddressHashes {
  if (options.legacy !== false) rekeyLegacySuppressionOf(conn, address.email);
  return addressHashes(conn, address);
}

/**
 * The terms of leads_hmac_backfill_idx: a lead whose address hashes are still to be filled.
 * Queries name that index: left to itself, SQLite reads the OR as two `IS NULL` seeks on the
 * hash indexes and collects every unfilled (or anonymised) lead before the LIMIT, seconds at
 * a million leads.
 */
const NEEDS_HASHES = sql`((email is not null and email_hmac is null) or (phone is not null and phone_hmac is null))`;

/** Whether any lead still waits for its address hashes (one probe of a partial index). */
export function addressHashesPending(conn: Conn): boolean {
  return Boolean(
    conn.get<{ one: number } | undefined>(
      sql`select 1 as one from leads indexed by leads_hmac_backfill_idx where ${NEEDS_HASHES} limit 1`,
    ),
  );
}

/**
 * Fill the address hashes of up to `batch` leads written before the columns existed (or by a
 * tool that bypasses the write paths), in one short transaction, and re-key their legacy
 * opt-outs. Returns how many were filled; 0 when none is left. The API runs it in small
 * batches after start-up, yielding between them, so no request waits long for the lock and
 * the event loop is never held for more than one batch (or `budgetMs`, when given).
 */
export function backfillAddressHashes(conn: Conn, batch = 500, budgetMs = Infinity): number {
  // Each lead costs an HMAC of each address (the phone parsed by libphonenumber) and three
  // index changes: 3.5 ms a lead in bench/leads at a million leads with the machine shared
  // six ways. A time budget keeps one call short however slow the machine; the rest stays
  // for the next call.
  const stopAt = performance.now() + budgetMs;
  const rows = conn.all<{ id: number; email: string | null; phone: string | null }>(
    sql`select id, email, phone from leads indexed by leads_hmac_backfill_idx
        where ${NEEDS_HASHES} order by id limit ${batch}`,
  );
  if (rows.length === 0) return 0;
  const update = conn
    .update(leads)
    // `set` takes SQL, not bare placeholders (as in consent.ts).
    .set({
      emailHmac: sql`${sql.placeholder('emailHmac')}`,
      phoneHmac: sql`${sql.placeholder('phoneHmac')}`,
    })
    .where(eq(leads.id, sql.placeholder('id')))
    .prepare();
  let filled = 0;
  for (const row of rows) {
    update.run({ id: row.id, ...hashesForWrite(conn, row) });
    filled++;
    if (performance.now() > stopAt) break;
  }
  return filled;
}

/** Every lead whose stored hashes are not its addresses' keys (the tests' check of every write path). */
export function leadsWithWrongAddressHashes(conn: Conn, batch = 5000): number[] {
  const wrong: number[] = [];
  let after = 0;
  for (;;) {
    const rows = conn
      .select({
        id: leads.id,
        email: leads.email,
        phone: leads.phone,
        emailHmac: leads.emailHmac,
        phoneHmac: leads.phoneHmac,
      })
      .from(leads)
      .where(gt(leads.id, after))
      .orderBy(asc(leads.id))
      .limit(batch)
      .all();
    for (const r of rows) {
      const want = addressHashes(conn, r);
      if (want.emailHmac !== r.emailHmac || want.phoneHmac !== r.phoneHmac) wrong.push(r.id);
    }
    const last = rows.at(-1);
    if (!last || rows.length < batch) return wrong;
    after = last.id;
  }
}
