import { type Conn, deleteSession, findSessionWithUser, insertSession, touchSession } from '@mg/db';
import type { SessionStage } from '@mg/shared';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** DOMAIN.md: 30 minutes idle, 12 hours absolute. */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** Refresh last activity at most once a minute, so reads do not all become writes. */
const TOUCH_INTERVAL_MS = 60_000;
export const SESSION_COOKIE = 'mg_session';
/** How long a session may wait at the second-factor step. */
export const PENDING_SESSION_MS = 10 * 60_000;

function randomString(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** Lucia's pattern: the token is `id.secret`; only SHA-256(secret) is stored. */
export function createSession(
  conn: Conn,
  userId: number,
  meta: { ip: string | null; userAgent: string | null },
  now = Date.now(),
) {
  const id = randomString();
  const secret = randomString();
  insertSession(conn, { id, secretHash: Buffer.from(hashSecret(secret)), userId, ...meta }, now);
  return { id, token: `${id}.${secret}` };
}

export type SessionUser = NonNullable<ReturnType<typeof findSessionWithUser>>['user'] & {
  subsidiaryName: string | null;
};

/** The session for a cookie token, or null if unknown, tampered with, expired or inactive. */
export function validateSessionToken(conn: Conn, token: string, now = Date.now()) {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined) return null;
  const row = findSessionWithUser(conn, id);
  if (!row) return null;
  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;
  const expired =
    now - row.lastActiveAt > SESSION_IDLE_MS || now - row.createdAt > SESSION_ABSOLUTE_MS;
  if (expired || !row.user.active) {
    deleteSession(conn, id);
    return null;
  }
  // Half signed in (password given, second factor not yet): a short window, then start over.
  if (row.stage !== 'full' && now - row.createdAt > PENDING_SESSION_MS) {
    deleteSession(conn, id);
    return null;
  }
  if (now - row.lastActiveAt > TOUCH_INTERVAL_MS) touchSession(conn, id, now);
  const user: SessionUser = { ...row.user, subsidiaryName: row.subsidiaryName };
  return { sessionId: id, createdAt: row.createdAt, stage: row.stage, user };
}

export type PendingSession = {
  sessionId: string;
  createdAt: number;
  stage: Exclude<SessionStage, 'full'>;
  user: SessionUser;
};

/**
 * The request's session split in two: only a `full` one is signed in; one past the password
 * only is `pending`, which no procedure accepts but the second-factor ones.
 */
export function resolveSession(conn: Conn, token: string | undefined, now = Date.now()) {
  const s = token ? validateSessionToken(conn, token, now) : null;
  if (!s) return { session: null, pending: null };
  const { stage, ...rest } = s;
  if (stage === 'full') return { session: rest, pending: null };
  return { session: null, pending: { ...rest, stage } satisfies PendingSession };
}
