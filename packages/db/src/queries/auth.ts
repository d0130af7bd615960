import type { Role } from '@mg/shared';
import { and, asc, eq, lt, or, sql } from 'drizzle-orm';
import { type Conn, preparedPerConnection } from '../client';
import { sessions, subsidiaries, users } from '../schema';

export function findUserByEmail(conn: Conn, email: string) {
  return conn
    .select({
      id: users.id,
      role: users.role,
      active: users.active,
      passwordHash: users.passwordHash,
      failedLogins: users.failedLogins,
      lockedUntil: users.lockedUntil,
    })
    .from(users)
    .where(eq(users.email, email))
    .get();
}

export function insertUser(
  conn: Conn,
  input: {
    email: string;
    name: string;
    role: Role;
    subsidiaryId: number | null;
    passwordHash: string;
  },
  now = Date.now(),
) {
  return conn
    .insert(users)
    .values({ passwordSetAt: now, ...input, createdAt: now, updatedAt: now })
    .returning({ id: users.id })
    .get();
}

export interface LockoutPolicy {
  /** Failures (counted since the last successful login) at which the account locks. */
  threshold: number;
  /** Lock after `threshold` failures; doubled by each further failure, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

/**
 * Count one failed login and lock the account once the count reaches the threshold, in one
 * `UPDATE … RETURNING`: the new count comes from the row itself, so parallel attempts
 * (batched or concurrent requests whose password checks overlap) each add one. A lock only
 * ever moves later: it is never shortened by a failure that arrives while locked.
 */
export function recordFailedLogin(
  conn: Conn,
  userId: number,
  policy: LockoutPolicy,
  now = Date.now(),
): { failedLogins: number; lockedUntil: number | null } {
  const next = sql`${users.failedLogins} + 1`;
  // min(base << (n - threshold), max): the shift is capped so it cannot overflow.
  const lockMs = sql`min(${policy.maxMs}, ${policy.baseMs} << min(${next} - ${policy.threshold}, 30))`;
  const row = conn
    .update(users)
    .set({
      failedLogins: next,
      lockedUntil: sql`case when ${next} >= ${policy.threshold}
        then max(coalesce(${users.lockedUntil}, 0), ${now} + ${lockMs})
        else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, userId))
    .returning({ failedLogins: users.failedLogins, lockedUntil: users.lockedUntil })
    .get();
  if (!row) throw new Error(`recordFailedLogin: no user ${userId}`);
  return row;
}

/** The lock as stored now (read again after the slow password check, not before it). */
export function currentLock(conn: Conn, userId: number): number | null {
  return (
    conn.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, userId)).get()
      ?.lockedUntil ?? null
  );
}

export function resetFailedLogins(conn: Conn, userId: number) {
  conn.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId)).run();
}

export function insertSession(
  conn: Conn,
  s: {
    id: string;
    secretHash: Buffer;
    userId: number;
    ip: string | null;
    userAgent: string | null;
  },
  now = Date.now(),
) {
  conn
    .insert(sessions)
    .values({ ...s, createdAt: now, lastActiveAt: now })
    .run();
}

// Every signed-in request looks its session up: built once per connection and bound, since
// building it through drizzle's query tree cost more than the lookup itself.
const sessionWithUser = preparedPerConnection((conn) =>
  conn
    .select({
      id: sessions.id,
      secretHash: sessions.secretHash,
      createdAt: sessions.createdAt,
      lastActiveAt: sessions.lastActiveAt,
      stage: sessions.stage,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        subsidiaryId: users.subsidiaryId,
        active: users.active,
      },
      subsidiaryName: subsidiaries.name,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(subsidiaries, eq(subsidiaries.id, users.subsidiaryId))
    .where(eq(sessions.id, sql.placeholder('sessionId')))
    .prepare(),
);

/** The session with its user, as the request context needs it. */
export function findSessionWithUser(conn: Conn, sessionId: string) {
  return sessionWithUser(conn).get({ sessionId });
}

export function touchSession(conn: Conn, sessionId: string, now = Date.now()) {
  conn.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, sessionId)).run();
}

export function deleteSession(conn: Conn, sessionId: string) {
  conn.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

export function deleteUserSessions(conn: Conn, userId: number) {
  conn.delete(sessions).where(eq(sessions.userId, userId)).run();
}

export function listUserSessions(conn: Conn, userId: number) {
  return conn
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastActiveAt: sessions.lastActiveAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(asc(sessions.createdAt))
    .all();
}

export function deleteExpiredSessions(conn: Conn, idleCutoff: number, absoluteCutoff: number) {
  conn
    .delete(sessions)
    .where(or(lt(sessions.lastActiveAt, idleCutoff), lt(sessions.createdAt, absoluteCutoff)))
    .run();
}

export function listStaffUsers(conn: Conn) {
  return conn
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      subsidiaryId: users.subsidiaryId,
      active: users.active,
    })
    .from(users)
    .orderBy(asc(users.name))
    .all();
}

export function listSubsidiaryUsers(conn: Conn, subsidiaryId: number) {
  return conn
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.subsidiaryId, subsidiaryId), eq(users.active, true)))
    .orderBy(asc(users.name))
    .all();
}
