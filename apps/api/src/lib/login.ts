import {
  currentLock,
  findUserByEmail,
  type LockoutPolicy,
  recordFailedLogin,
  resetFailedLogins,
} from '@mg/db';
import { normaliseEmail, type Role } from '@mg/shared';
import { logEntry, logNow, PUBLIC, staff } from './access-log';
import type { Context } from './context-types';
import { domainError } from './errors';
import { dummyPasswordHash, verifyPassword } from './password';
import { afterPassword } from './second-factor';
import { createSession } from './session';

/** Consecutive failures before an account locks; each further failure doubles the lock. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT: LockoutPolicy = {
  threshold: LOCKOUT_THRESHOLD,
  baseMs: 60_000,
  maxMs: 60 * 60_000,
};

export function lockDuration(failedLogins: number): number {
  if (failedLogins < LOCKOUT.threshold) return 0;
  return Math.min(LOCKOUT.maxMs, LOCKOUT.baseMs * 2 ** (failedLogins - LOCKOUT.threshold));
}

/**
 * Failure counters for e-mails that have no account, with exactly the rules the users table
 * applies to real accounts, so a locked account and a non-existent one answer alike (no user
 * enumeration). In memory: bounded (the least recently failed address goes first) and lost
 * on restart, which only ever makes an unknown address look less locked, never more.
 */
export class UnknownEmailCounters {
  private readonly counters = new Map<
    string,
    { failedLogins: number; lockedUntil: number | null }
  >();
  constructor(private readonly max = 10_000) {}

  /** The same arithmetic as recordFailedLogin's UPDATE; synchronous, so it cannot interleave. */
  recordFailure(email: string, now: number) {
    const previous = this.counters.get(email);
    const failedLogins = (previous?.failedLogins ?? 0) + 1;
    const lock = lockDuration(failedLogins);
    const lockedUntil = lock
      ? Math.max(previous?.lockedUntil ?? 0, now + lock)
      : (previous?.lockedUntil ?? null);
    this.counters.delete(email);
    this.counters.set(email, { failedLogins, lockedUntil });
    if (this.counters.size > this.max) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
    return { failedLogins, lockedUntil };
  }

  get size() {
    return this.counters.size;
  }
}

const unknownEmails = new UnknownEmailCounters();

function genericFailure() {
  return domainError('UNAUTHORIZED', 'invalidCredentials');
}
function lockedFailure() {
  return domainError('TOO_MANY_REQUESTS', 'rateLimited');
}

export type PasswordCheck =
  | { ok: true; user: { id: number; role: Role } }
  | { ok: false; locked: boolean };

/**
 * Check an e-mail and password, counting failures: the single place that decides whether a
 * password attempt succeeds (later factors build on its success).
 *
 * Every path does the same work, so status, body and timing do not tell which e-mails exist
 * or are locked: the password is always hashed (against a dummy hash for an unknown e-mail,
 * and also while an account is locked), and a failure is always counted, for unknown
 * addresses too. The count is taken AFTER the password check, with one atomic update, so
 * overlapping attempts (a batch, or parallel requests) each count.
 */
export async function checkPassword(
  ctx: Context,
  email: string,
  password: string,
): Promise<PasswordCheck> {
  const normalised = normaliseEmail(email);
  const user = findUserByEmail(ctx.db, normalised);
  const matches = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  // Everything below runs synchronously: no other attempt can slip in between read and write.
  const now = Date.now();
  const entry = { action: 'auth.login', purpose: 'security' as const };

  if (!user) {
    const { lockedUntil } = unknownEmails.recordFailure(normalised, now);
    const locked = lockedUntil !== null && lockedUntil > now;
    // No account behind the address: an anonymous denial, counted per IP and minute.
    logNow(ctx.db, ctx, PUBLIC, {
      ...entry,
      outcome: 'denied',
      detail: { reason: locked ? 'locked' : 'invalid_credentials' },
    });
    return { ok: false, locked };
  }

  const actor = { id: user.id, role: user.role };
  const target = { targetType: 'user' as const, targetIds: [user.id] };
  if (matches && user.active) {
    const lockedUntil = currentLock(ctx.db, user.id);
    if (lockedUntil === null || lockedUntil <= now) return { ok: true, user: actor };
    // The right password while locked: refused like any attempt, but not counted.
    logNow(ctx.db, ctx, staff(actor), {
      ...entry,
      ...target,
      outcome: 'denied',
      detail: { reason: 'locked' },
    });
    return { ok: false, locked: true };
  }

  return ctx.db.transaction((tx) => {
    const wasLocked = (currentLock(tx, user.id) ?? 0) > now;
    const { failedLogins, lockedUntil } = recordFailedLogin(tx, user.id, LOCKOUT, now);
    const locked = lockedUntil !== null && lockedUntil > now;
    logEntry(tx, ctx, staff(actor), {
      ...entry,
      ...target,
      outcome: 'denied',
      detail: {
        reason: wasLocked ? 'locked' : user.active ? 'invalid_credentials' : 'inactive',
        failedLogins,
      },
    });
    if (locked && !wasLocked)
      logEntry(tx, ctx, staff(actor), {
        ...entry,
        ...target,
        action: 'auth.lockout',
        outcome: 'ok',
        detail: { lockedForMs: lockedUntil - now },
      });
    return { ok: false as const, locked };
  });
}

export async function login(ctx: Context, email: string, password: string) {
  const check = await checkPassword(ctx, email, password);
  if (!check.ok) throw check.locked ? lockedFailure() : genericFailure();
  const { user } = check;
  const now = Date.now();
  const session = ctx.db.transaction((tx) => {
    const created = createSession(
      tx,
      user.id,
      { ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 300) ?? null },
      now,
    );
    const stage = afterPassword(tx, user, created.id, now);
    // With a code still to give, failures keep counting: re-entering the password must not
    // reset the count of wrong codes.
    if (stage !== 'totp') resetFailedLogins(tx, user.id);
    logEntry(tx, ctx, staff(user), {
      action: 'auth.login',
      purpose: 'security',
      outcome: 'ok',
      targetType: 'user',
      targetIds: [user.id],
    });
    return { ...created, stage };
  });
  ctx.cookies.setSession(session.token);
  return { userId: user.id, stage: session.stage };
}
