import { createHash } from 'node:crypto';
import { normaliseEmail } from '@mg/shared';

/**
 * The suppression key: SHA-256 (hex) of the normalised e-mail. The table's key is
 * (email_hash, purpose), so one e-mail holds one row per purpose. Only this hash survives
 * erasure; nothing in it can be read back without already knowing the address.
 * `openDatabase` registers it as the SQL function `suppression_hash(email)`, so the audience
 * is filtered (and counted) inside SQLite with the very same rule.
 */
export function suppressionHash(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}

/** The SQL twin: NULL for a missing address (a lead without e-mail is never in an audience). */
export function suppressionHashSql(email: unknown): string | null {
  return typeof email === 'string' ? suppressionHash(email) : null;
}
