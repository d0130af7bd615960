import { appendAccessLog, findUserByEmail, recordFailedLogin, resetFailedLogins } from '@mg/db';
import { normaliseEmail, type Role } from '@mg/shared';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { baseEntry, type Context } from '../trpc';
import { domainError } from './errors';
import { dummyPasswordHash, verifyPassword } from './password';
import { afterPassword } from './second-factor';
import { createSession } from './session';

/** Consecutive failures before an account locks; each further failure doubles the lock. */
export const LOCKOUT_THRESHOLD = 5;
const LOCK_BASE_MS = 60_000;
const LOCK_MAX_MS = 60 * 60_000;

export function lockDuration(failedLogins: number): number {
  if (failedLogins < LOCKOUT_THRESHOLD) return 0;
  return Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** (failedLogins - LOCKOUT_THRESHOLD));
}

/**
 * Unknown e-mails are throttled in memory with the same threshold, so a locked account and
 * a non-existent one answer alike (no user enumeration).
 */
const unknownEmailLimiter = new RateLimiterMemory({
  points: LOCKOUT_THRESHOLD,
  duration: 15 * 60,
  blockDuration: 60,
});

function genericFailure() {
  return domainError('UNAUTHORIZED', 'invalidCredentials');
}
function lockedFailure() {
  return domainError('TOO_MANY_REQUESTS', 'rateLimited');
}

export async function login(ctx: Context, email: string, password: string) {
  const normalised = normaliseEmail(email);
  const now = Date.now();
  const user = findUserByEmail(ctx.db, normalised);
  const entry = (actorUserId: number | null, actorRole: Role | null) => ({
    ...baseEntry(
      ctx,
      actorUserId && actorRole ? { userId: actorUserId, role: actorRole } : null,
      'auth.login',
    ),
    purpose: 'security' as const,
  });

  if (!user) {
    await verifyPassword(await dummyPasswordHash(), password);
    const blocked = await unknownEmailLimiter.consume(normalised).then(
      () => false,
      () => true,
    );
    ctx.db.transaction((tx) =>
      appendAccessLog(tx, {
        ...entry(null, null),
        outcome: 'denied',
        detail: { reason: blocked ? 'locked' : 'invalid_credentials' },
      }),
    );
    throw blocked ? lockedFailure() : genericFailure();
  }

  if (user.lockedUntil && user.lockedUntil > now) {
    ctx.db.transaction((tx) =>
      appendAccessLog(tx, {
        ...entry(user.id, user.role),
        outcome: 'denied',
        targetType: 'user',
        targetIds: [user.id],
        detail: { reason: 'locked' },
      }),
    );
    throw lockedFailure();
  }

  const valid = (await verifyPassword(user.passwordHash, password)) && user.active;
  if (!valid) {
    const failed = user.failedLogins + 1;
    const lock = lockDuration(failed);
    ctx.db.transaction((tx) => {
      recordFailedLogin(tx, user.id, failed, lock ? now + lock : null);
      appendAccessLog(tx, {
        ...entry(user.id, user.role),
        outcome: 'denied',
        targetType: 'user',
        targetIds: [user.id],
        detail: { reason: user.active ? 'invalid_credentials' : 'inactive', failedLogins: failed },
      });
      if (lock)
        appendAccessLog(tx, {
          ...entry(user.id, user.role),
          action: 'auth.lockout',
          outcome: 'ok',
          targetType: 'user',
          targetIds: [user.id],
          detail: { lockedForMs: lock },
        });
    });
    throw lock ? lockedFailure() : genericFailure();
  }

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
    appendAccessLog(tx, {
      ...entry(user.id, user.role),
      outcome: 'ok',
      targetType: 'user',
      targetIds: [user.id],
    });
    return { ...created, stage };
  });
  ctx.cookies.setSession(session.token);
  return { userId: user.id, stage: session.stage };
}
