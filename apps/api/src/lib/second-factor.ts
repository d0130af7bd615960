import {
  type Conn,
  claimTotpStep,
  consumeRecoveryCode,
  getTotpRequiredRoles,
  getUserForAdmin,
  incrementFailedLogins,
  recordLastLogin,
  replaceRecoveryCodes,
  resetFailedLogins,
  setLockedUntil,
  setSessionStage,
} from '@mg/db';
import { RECOVERY_CODE_COUNT, type Role, type SessionStage } from '@mg/shared';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { TRPCError } from '@trpc/server';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { renderSVG } from 'uqr';
import { logEntry, logNow, staff } from './access-log';
import { refuseUnauthenticated } from './authorize';
import type { Context } from './context-types';
import { DomainError, domainError } from './errors';
import { hashToken, randomToken } from './link-tokens';
import { lockDuration } from './login';
import type { SessionUser } from './session';
import { openTotpSecret } from './totp-secret';

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** One step either side, for clocks a little off. */
const TOTP_WINDOW = 1;
const ISSUER = 'MG Leads';

// ---------------------------------------------------------------- after the password

/**
 * Called in the login transaction once the password is right: how far this session gets.
 * A user with a second factor must give a code; a role that requires one, without it, may
 * only enrol. The last sign-in is recorded either way.
 */
export function afterPassword(
  conn: Conn,
  user: { id: number; role: Role },
  sessionId: string,
  now = Date.now(),
): SessionStage {
  recordLastLogin(conn, user.id, now);
  const row = getUserForAdmin(conn, user.id);
  const stage: SessionStage = row?.totpEnabledAt
    ? 'totp'
    : getTotpRequiredRoles(conn).includes(user.role)
      ? 'enrol'
      : 'full';
  if (stage !== 'full') setSessionStage(conn, sessionId, stage);
  return stage;
}

// ---------------------------------------------------------------- codes

export function newTotpSecret(): string {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return encodeBase32NoPadding(key);
}

export function totpStep(now: number): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_S);
}

/** The code for a time (tests and the e2e compute codes the same way). */
export function totpCodeAt(secret: string, now: number): string {
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(totpStep(now)), TOTP_DIGITS);
}

/** The step the code belongs to, within the window, or null. */
export function matchTotpStep(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = decodeBase32IgnorePadding(secret);
  const given = new TextEncoder().encode(code);
  const current = totpStep(now);
  let found: number | null = null;
  // Every step is checked, so the time taken does not tell which one matched.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    const expected = new TextEncoder().encode(generateHOTP(key, BigInt(step), TOTP_DIGITS));
    if (constantTimeEqual(expected, given) && found === null) found = step;
  }
  return found;
}

export function enrolmentDetails(secret: string, email: string) {
  const uri = createTOTPKeyURI(
    ISSUER,
    email,
    decodeBase32IgnorePadding(secret),
    TOTP_PERIOD_S,
    TOTP_DIGITS,
  );
  return { secret, uri, qrSvg: renderSVG(uri) };
}

/** Ten codes shown once; only their hashes are kept. */
export function newRecoveryCodes(conn: Conn, userId: number): string[] {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomToken(8).slice(0, 10));
  replaceRecoveryCodes(
    conn,
    userId,
    codes.map((c) => hashToken(c)),
  );
  return codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
}

/**
 * Per account, in memory: a burst of codes is refused before any is checked (parallel
 * requests cannot all be tried before the lock-out lands). The lock-out (failed sign-ins in
 * the database) is what stops slower guessing, so this allows a little more than it.
 * One limiter per database, so separate databases (tests) do not share counts.
 */
const codeLimiters = new WeakMap<object, RateLimiterMemory>();
function codeLimiter(db: object) {
  let limiter = codeLimiters.get(db);
  if (!limiter) {
    limiter = new RateLimiterMemory({ points: 10, duration: 60 });
    codeLimiters.set(db, limiter);
  }
  return limiter;
}

/**
 * Checks a TOTP code (a used step cannot be replayed) or a recovery code (each works once),
 * inside the caller's transaction. A wrong code counts as a failed sign-in and can lock the
 * account, like a wrong password.
 */
export function checkSecondFactor(
  conn: Conn,
  user: { id: number; secret: string },
  code: string,
  now = Date.now(),
): { ok: true; via: 'totp' | 'recovery' } | { ok: false; lockedForMs: number } {
  const step = matchTotpStep(user.secret, code, now);
  if (step !== null && claimTotpStep(conn, user.id, step)) return { ok: true, via: 'totp' };
  if (step === null && /^[a-z2-7]{10}$/.test(code))
    if (consumeRecoveryCode(conn, user.id, hashToken(code), now))
      return { ok: true, via: 'recovery' };
  const failed = incrementFailedLogins(conn, user.id);
  const lock = lockDuration(failed);
  if (lock) setLockedUntil(conn, user.id, now + lock);
  return { ok: false, lockedForMs: lock };
}

export async function consumeCodeAttempt(db: object, userId: number): Promise<boolean> {
  return codeLimiter(db)
    .consume(String(userId))
    .then(
      () => true,
      () => false,
    );
}

export function invalidCode() {
  return domainError('BAD_REQUEST', 'invalidCode', { code: [{ key: 'invalidCode' }] });
}
export function rateLimited() {
  return domainError('TOO_MANY_REQUESTS', 'rateLimited');
}

/** The sign-in's second step: a code for a `totp` session; on success it is signed in. */
export async function verifySecondFactor(ctx: Context, code: string, now = Date.now()) {
  const pending = ctx.pending;
  if (pending?.stage !== 'totp') throw unauthenticated(ctx, 'auth.verifyTotp');
  const user = pending.user;
  const actor = staff(user);
  const row = getUserForAdmin(ctx.db, user.id);
  if (!row?.totpSecret || !row.totpEnabledAt) throw unauthenticated(ctx, 'auth.verifyTotp');
  const secret = openTotpSecret(ctx.db, user.id, row.totpSecret);
  if ((row.lockedUntil && row.lockedUntil > now) || !(await consumeCodeAttempt(ctx.db, user.id))) {
    logNow(ctx.db, ctx, actor, {
      action: 'auth.verifyTotp',
      outcome: 'denied',
      purpose: 'security',
      targetType: 'user',
      targetIds: [user.id],
      detail: { reason: 'locked' },
    });
    throw rateLimited();
  }
  const result = ctx.db.transaction((tx) => {
    const checked = checkSecondFactor(tx, { id: user.id, secret }, code, now);
    const entry = { action: 'auth.verifyTotp', purpose: 'security' as const };
    if (!checked.ok) {
      logEntry(tx, ctx, actor, {
        ...entry,
        outcome: 'denied',
        targetType: 'user',
        targetIds: [user.id],
        detail: { reason: 'invalid_code' },
      });
      if (checked.lockedForMs)
        logEntry(tx, ctx, actor, {
          ...entry,
          action: 'auth.lockout',
          outcome: 'ok',
          targetType: 'user',
          targetIds: [user.id],
          detail: { lockedForMs: checked.lockedForMs },
        });
      return checked;
    }
    // The session was created by us at the password step (no fixation to guard against):
    // it is promoted in place rather than reissued.
    setSessionStage(tx, pending.sessionId, 'full');
    resetFailedLogins(tx, user.id);
    logEntry(tx, ctx, actor, {
      ...entry,
      outcome: 'ok',
      targetType: 'user',
      targetIds: [user.id],
      detail: { via: checked.via },
    });
    return checked;
  });
  if (!result.ok) throw result.lockedForMs ? rateLimited() : invalidCode();
  return { ok: true as const, via: result.via };
}

// ---------------------------------------------------------------- enrolment gate

function unauthenticated(ctx: Context, path: string) {
  refuseUnauthenticated(ctx, path);
  return new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'unauthenticated',
    cause: new DomainError('UNAUTHORIZED', 'unauthenticated'),
  });
}

export interface AccountSession {
  sessionId: string;
  user: SessionUser;
  stage: SessionStage;
}

/**
 * The account a procedure of the account builder (trpc.ts) acts for: a full session, or a
 * session held at one of the accepted second-factor steps; else null.
 */
export function accountSession(
  ctx: Context,
  accept: readonly SessionStage[],
): AccountSession | null {
  if (ctx.session) return { ...ctx.session, stage: 'full' };
  if (ctx.pending && accept.includes(ctx.pending.stage))
    return { sessionId: ctx.pending.sessionId, user: ctx.pending.user, stage: ctx.pending.stage };
  return null;
}
