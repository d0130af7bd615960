import {
  DEFAULT_TOTP_REQUIRED_ROLES,
  ROLES,
  type Role,
  type SessionStage,
  type UserStatus,
  type UserTokenKind,
} from '@mg/shared';
import { and, asc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Conn } from '../client';
import { recoveryCodes, sessions, settings, subsidiaries, users, userTokens } from '../schema';

// ---------------------------------------------------------------- the users screen

export interface UserListFilter {
  search?: string;
  role?: Role;
  subsidiaryId?: number;
  status?: UserStatus;
}

/** The status shown on /users, derived in SQL so the list can filter on it. */
function statusSql(now: number) {
  return sql<UserStatus>`case
    when ${users.active} = 0 then 'deactivated'
    when ${users.passwordSetAt} is null then 'invited'
    when ${users.lockedUntil} > ${now} then 'locked'
    else 'active' end`;
}

export function listUsers(conn: Conn, filter: UserListFilter, now = Date.now()) {
  const status = statusSql(now);
  const search = filter.search?.trim().toLowerCase();
  const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return conn
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      subsidiaryId: users.subsidiaryId,
      subsidiaryName: subsidiaries.name,
      status,
      lastLoginAt: users.lastLoginAt,
      totpEnabled: sql<boolean>`${users.totpEnabledAt} is not null`.mapWith(Boolean),
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(subsidiaries, eq(subsidiaries.id, users.subsidiaryId))
    .where(
      and(
        pattern
          ? or(
              sql`lower(${users.name}) like ${pattern} escape '\\'`,
              sql`${users.email} like ${pattern} escape '\\'`,
            )
          : undefined,
        filter.role ? eq(users.role, filter.role) : undefined,
        filter.subsidiaryId ? eq(users.subsidiaryId, filter.subsidiaryId) : undefined,
        filter.status ? sql`${status} = ${filter.status}` : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .all();
}

export function getUserForAdmin(conn: Conn, id: number) {
  return conn
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      subsidiaryId: users.subsidiaryId,
      active: users.active,
      passwordSetAt: users.passwordSetAt,
      passwordHash: users.passwordHash,
      lockedUntil: users.lockedUntil,
      totpSecret: users.totpSecret,
      totpEnabledAt: users.totpEnabledAt,
      totpLastStep: users.totpLastStep,
      failedLogins: users.failedLogins,
      notifyOnAssign: users.notifyOnAssign,
    })
    .from(users)
    .where(eq(users.id, id))
    .get();
}

export function findUserIdByEmail(conn: Conn, email: string) {
  return conn
    .select({
      id: users.id,
      active: users.active,
      passwordSetAt: users.passwordSetAt,
      role: users.role,
    })
    .from(users)
    .where(eq(users.email, email))
    .get();
}

/** An invited person: no usable password until they set one from the link. */
export function insertInvitedUser(
  conn: Conn,
  input: { email: string; name: string; role: Role; subsidiaryId: number | null },
  now: number,
) {
  return conn
    .insert(users)
    .values({ ...input, passwordHash: '', passwordSetAt: null, createdAt: now, updatedAt: now })
    .returning({ id: users.id })
    .get();
}

export function updateUserFields(
  conn: Conn,
  id: number,
  fields: Partial<{
    name: string;
    role: Role;
    subsidiaryId: number | null;
    active: boolean;
    passwordHash: string;
    passwordSetAt: number;
    failedLogins: number;
    lockedUntil: number | null;
    notifyOnAssign: boolean;
    totpSecret: string | null;
    totpEnabledAt: number | null;
    totpLastStep: number | null;
  }>,
  now: number,
) {
  return conn
    .update(users)
    .set({ ...fields, updatedAt: now })
    .where(eq(users.id, id))
    .run().changes;
}

export function recordLastLogin(conn: Conn, id: number, now: number) {
  conn.update(users).set({ lastLoginAt: now }).where(eq(users.id, id)).run();
}

/**
 * One more failure (a wrong second-factor code), counted in the database in one statement so
 * parallel attempts each count. Returns the new count.
 */
export function incrementFailedLogins(conn: Conn, id: number): number {
  const row = conn
    .update(users)
    .set({ failedLogins: sql`${users.failedLogins} + 1` })
    .where(eq(users.id, id))
    .returning({ failedLogins: users.failedLogins })
    .get();
  return row?.failedLogins ?? 0;
}

export function setLockedUntil(conn: Conn, id: number, lockedUntil: number | null) {
  conn.update(users).set({ lockedUntil }).where(eq(users.id, id)).run();
}

/**
 * Accepts a TOTP step only if it is later than the last one accepted, in one statement:
 * two requests with the same code cannot both pass.
 */
export function claimTotpStep(conn: Conn, id: number, step: number): boolean {
  return (
    conn
      .update(users)
      .set({ totpLastStep: step })
      .where(
        and(eq(users.id, id), or(isNull(users.totpLastStep), sql`${users.totpLastStep} < ${step}`)),
      )
      .run().changes === 1
  );
}

// ---------------------------------------------------------------- sessions

export function deleteOtherSessions(conn: Conn, userId: number, keepSessionId: string) {
  return conn
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .run().changes;
}

export function sessionStage(conn: Conn, sessionId: string): SessionStage | undefined {
  return conn
    .select({ stage: sessions.stage })
    .from(sessions)
    .where(eq(sessions.id, sessionId))
    .get()?.stage;
}

export function setSessionStage(conn: Conn, sessionId: string, stage: SessionStage) {
  conn.update(sessions).set({ stage }).where(eq(sessions.id, sessionId)).run();
}

// ---------------------------------------------------------------- single-use links

export function insertUserToken(
  conn: Conn,
  t: { userId: number; kind: UserTokenKind; tokenHash: Buffer; expiresAt: number },
  now: number,
) {
  return conn
    .insert(userTokens)
    .values({ ...t, createdAt: now })
    .returning({ id: userTokens.id })
    .get();
}

/** Every still-open link of a kind for a user becomes unusable (resend, revoke, reset). */
export function revokeUserTokens(conn: Conn, userId: number, kind: UserTokenKind, now: number) {
  return conn
    .update(userTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(userTokens.userId, userId),
        eq(userTokens.kind, kind),
        isNull(userTokens.usedAt),
        isNull(userTokens.revokedAt),
      ),
    )
    .run().changes;
}

/** The open, unexpired link with this hash, without using it (the set-password page asks). */
export function findUsableToken(conn: Conn, tokenHash: Buffer, now: number) {
  return conn
    .select({
      id: userTokens.id,
      userId: userTokens.userId,
      kind: userTokens.kind,
      name: users.name,
    })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(
      and(
        eq(userTokens.tokenHash, tokenHash),
        isNull(userTokens.usedAt),
        isNull(userTokens.revokedAt),
        gt(userTokens.expiresAt, now),
        eq(users.active, true),
      ),
    )
    .get();
}

/** Marks the link used in the same statement that checks it is open: it works once. */
export function consumeToken(conn: Conn, id: number, now: number): boolean {
  return (
    conn
      .update(userTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(userTokens.id, id),
          isNull(userTokens.usedAt),
          isNull(userTokens.revokedAt),
          gt(userTokens.expiresAt, now),
        ),
      )
      .run().changes === 1
  );
}

export function hasOpenInvitation(conn: Conn, userId: number, now: number): boolean {
  return (
    conn
      .select({ id: userTokens.id })
      .from(userTokens)
      .where(
        and(
          eq(userTokens.userId, userId),
          eq(userTokens.kind, 'invite'),
          isNull(userTokens.usedAt),
          isNull(userTokens.revokedAt),
          gt(userTokens.expiresAt, now),
        ),
      )
      .get() !== undefined
  );
}

// ---------------------------------------------------------------- recovery codes

export function replaceRecoveryCodes(conn: Conn, userId: number, hashes: Buffer[]) {
  conn.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  for (const codeHash of hashes) conn.insert(recoveryCodes).values({ userId, codeHash }).run();
}

/** Uses the matching unused code, if any, in one statement. */
export function consumeRecoveryCode(conn: Conn, userId: number, codeHash: Buffer, now: number) {
  return (
    conn
      .update(recoveryCodes)
      .set({ usedAt: now })
      .where(
        and(
          eq(recoveryCodes.userId, userId),
          eq(recoveryCodes.codeHash, codeHash),
          isNull(recoveryCodes.usedAt),
        ),
      )
      .run().changes === 1
  );
}

export function countUnusedRecoveryCodes(conn: Conn, userId: number): number {
  return conn.get<{ n: number }>(
    sql`select count(*) as n from ${recoveryCodes} where ${recoveryCodes.userId} = ${userId} and ${recoveryCodes.usedAt} is null`,
  ).n;
}

export function deleteRecoveryCodes(conn: Conn, userId: number) {
  conn.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
}

// ---------------------------------------------------------------- settings

const TOTP_ROLES_KEY = 'totp_required_roles';

/** Roles that must use a second factor; the default until an admin changes it. */
export function getTotpRequiredRoles(conn: Conn): Role[] {
  const row = conn
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, TOTP_ROLES_KEY))
    .get();
  if (!row) return [...DEFAULT_TOTP_REQUIRED_ROLES];
  const parsed: unknown = JSON.parse(row.value);
  const known = new Set<string>(ROLES);
  return Array.isArray(parsed)
    ? parsed.filter((r): r is Role => typeof r === 'string' && known.has(r))
    : [...DEFAULT_TOTP_REQUIRED_ROLES];
}

/** Whether an admin (or the demo seed) has ever chosen the roles. */
export function hasTotpRequiredRolesSetting(conn: Conn): boolean {
  return (
    conn
      .select({ key: settings.key })
      .from(settings)
      .where(eq(settings.key, TOTP_ROLES_KEY))
      .get() !== undefined
  );
}

export function setTotpRequiredRoles(conn: Conn, roles: readonly Role[], now = Date.now()) {
  const value = JSON.stringify([...new Set(roles)].sort());
  conn
    .insert(settings)
    .values({ key: TOTP_ROLES_KEY, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } })
    .run();
}

/** Who gets a mail when a lead is assigned to them. */
export function getAssignNotice(conn: Conn, userId: number) {
  return conn
    .select({ email: users.email, active: users.active, notifyOnAssign: users.notifyOnAssign })
    .from(users)
    .where(eq(users.id, userId))
    .get();
}
