import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type Conn, schema, suppressionKeyOf } from '@mg/db';
import { and, eq, isNotNull, notLike } from 'drizzle-orm';

/**
 * Second-factor secrets at rest: AES-256-GCM under a key kept outside the database, so a copy
 * of the database (a backup, a stolen file) does not hand out anyone's codes.
 *
 * The key is derived (HKDF) from the server's suppression key: one key file to keep and back
 * up beside the database, and a separate key per purpose. Each sealed value is bound to its
 * user (the additional data), so a secret moved to another user's row does not open.
 * Stored as `v1:` + base64url(iv ‖ ciphertext ‖ tag); a base32 secret never holds a colon.
 */
const VERSION = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const derived = new WeakMap<Uint8Array, Buffer>();

function sealingKey(conn: Conn): Buffer {
  const key = suppressionKeyOf(conn);
  if (!key) throw new Error('no server key is set for this database (setSuppressionKey)');
  let sealing = derived.get(key);
  if (!sealing) {
    sealing = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), 'mg-leads totp secret', 32));
    derived.set(key, sealing);
  }
  return sealing;
}

const boundTo = (userId: number) => Buffer.from(`user:${userId}`);

export function sealTotpSecret(conn: Conn, userId: number, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(conn), iv);
  cipher.setAAD(boundTo(userId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return VERSION + Buffer.concat([iv, body]).toString('base64url');
}

/**
 * The secret of a stored value. A value from before sealing (plain base32) is read as it is
 * until `sealStoredTotpSecrets` has sealed it at start-up. Throws when a sealed value does not
 * open for this user under this key (moved, altered, or another server's key).
 */
export function openTotpSecret(conn: Conn, userId: number, stored: string): string {
  if (!stored.startsWith(VERSION)) return stored;
  const raw = Buffer.from(stored.slice(VERSION.length), 'base64url');
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(conn), iv);
  decipher.setAAD(boundTo(userId));
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8');
}

/** Seals the secrets stored before sealing existed (start-up); returns how many. */
export function sealStoredTotpSecrets(conn: Conn): number {
  const { users } = schema;
  const plain = conn
    .select({ id: users.id, secret: users.totpSecret })
    .from(users)
    .where(and(isNotNull(users.totpSecret), notLike(users.totpSecret, `${VERSION}%`)))
    .all();
  for (const row of plain) {
    if (row.secret === null) continue;
    conn
      .update(users)
      .set({ totpSecret: sealTotpSecret(conn, row.id, row.secret) })
      .where(eq(users.id, row.id))
      .run();
  }
  return plain.length;
}
