import {
  countUnusedRecoveryCodes,
  deleteOtherSessions,
  deleteRecoveryCodes,
  getTotpRequiredRoles,
  getUserForAdmin,
  incrementFailedLogins,
  setLockedUntil,
  setSessionStage,
  updateUserFields,
} from '@mg/db';
import {
  accountNameInput,
  accountNotifyInput,
  accountPasswordInput,
  totpCodeInput,
  totpDisableInput,
} from '@mg/shared';
import { logEntry, staff } from '../lib/access-log';
import { domainError } from '../lib/errors';
import { lockDuration } from '../lib/login';
import { hashPassword, verifyPassword } from '../lib/password';
import {
  checkSecondFactor,
  consumeCodeAttempt,
  enrolmentDetails,
  invalidCode,
  matchTotpStep,
  newRecoveryCodes,
  newTotpSecret,
  rateLimited,
} from '../lib/second-factor';
import type { SessionUser } from '../lib/session';
import { openTotpSecret, sealTotpSecret } from '../lib/totp-secret';
import { authedProcedure, type Context, enrolmentProcedure, router } from '../trpc';

function entry(user: SessionUser, action: string) {
  return {
    action,
    purpose: 'security' as const,
    outcome: 'ok' as const,
    targetType: 'user' as const,
    targetIds: [user.id],
  };
}

function ownRow(ctx: Context, id: number) {
  const row = getUserForAdmin(ctx.db, id);
  // The session was valid a moment ago; a row gone since is a session that has ended.
  if (!row) throw domainError('UNAUTHORIZED', 'unauthenticated');
  return row;
}

/**
 * A wrong current password counts toward the lock-out like a failed sign-in: a session left
 * open must not become a way to guess the password without limit.
 */
async function checkCurrentPassword(ctx: Context, user: SessionUser, password: string) {
  const row = ownRow(ctx, user.id);
  if (await verifyPassword(row.passwordHash, password)) return row;
  const now = Date.now();
  ctx.db.transaction((tx) => {
    const failed = incrementFailedLogins(tx, user.id);
    const lock = lockDuration(failed);
    if (lock) setLockedUntil(tx, user.id, now + lock);
    logEntry(tx, ctx, staff(user), {
      ...entry(user, 'account.checkPassword'),
      outcome: 'denied',
      detail: { reason: 'wrong_password', failedLogins: failed },
    });
  });
  throw domainError('BAD_REQUEST', 'wrongPassword', {
    currentPassword: [{ key: 'invalid' }],
    password: [{ key: 'invalid' }],
  });
}

/** The signed-in person's own account. */
export const accountRouter = router({
  get: enrolmentProcedure.query(({ ctx }) => {
    const { user, stage } = ctx.account;
    const row = ownRow(ctx, user.id);
    return {
      id: user.id,
      name: row.name,
      email: row.email,
      role: row.role,
      subsidiaryName: user.subsidiaryName,
      notifyOnAssign: row.notifyOnAssign,
      totpEnabled: row.totpEnabledAt !== null,
      totpRequired: getTotpRequiredRoles(ctx.db).includes(row.role),
      recoveryCodesLeft: row.totpEnabledAt ? countUnusedRecoveryCodes(ctx.db, user.id) : 0,
      stage,
    };
  }),

  updateName: authedProcedure.input(accountNameInput).mutation(({ ctx, input }) => {
    const { user } = ctx.session;
    ctx.db.transaction((tx) => {
      updateUserFields(tx, user.id, { name: input.name }, Date.now());
      logEntry(tx, ctx, staff(user), entry(user, 'account.updateName'));
    });
    return { ok: true };
  }),

  /** Needs the current password; every other session ends (this one stays signed in). */
  changePassword: authedProcedure.input(accountPasswordInput).mutation(async ({ ctx, input }) => {
    const { user, sessionId } = ctx.session;
    await checkCurrentPassword(ctx, user, input.currentPassword);
    const passwordHash = await hashPassword(input.newPassword);
    const ended = ctx.db.transaction((tx) => {
      const now = Date.now();
      updateUserFields(tx, user.id, { passwordHash, passwordSetAt: now, failedLogins: 0 }, now);
      const n = deleteOtherSessions(tx, user.id, sessionId);
      logEntry(tx, ctx, staff(user), {
        ...entry(user, 'account.changePassword'),
        detail: { ended: n },
      });
      return n;
    });
    return { ok: true, endedSessions: ended };
  }),

  signOutOthers: authedProcedure.mutation(({ ctx }) => {
    const { user, sessionId } = ctx.session;
    const ended = ctx.db.transaction((tx) => {
      const n = deleteOtherSessions(tx, user.id, sessionId);
      logEntry(tx, ctx, staff(user), {
        ...entry(user, 'account.signOutOthers'),
        detail: { ended: n },
      });
      return n;
    });
    return { endedSessions: ended };
  }),

  setNotifications: authedProcedure.input(accountNotifyInput).mutation(({ ctx, input }) => {
    const { user } = ctx.session;
    ctx.db.transaction((tx) => {
      updateUserFields(tx, user.id, { notifyOnAssign: input.notifyOnAssign }, Date.now());
      logEntry(tx, ctx, staff(user), {
        ...entry(user, 'account.setNotifications'),
        detail: { notifyOnAssign: input.notifyOnAssign },
      });
    });
    return { ok: true };
  }),

  /** A fresh secret (not yet in force) and its QR code; confirmed by the first code. */
  totpBegin: enrolmentProcedure.mutation(({ ctx }) => {
    const { user } = ctx.account;
    const row = ownRow(ctx, user.id);
    if (row.totpEnabledAt) throw domainError('CONFLICT', 'totpAlreadyEnabled');
    const secret = newTotpSecret();
    ctx.db.transaction((tx) => {
      updateUserFields(
        tx,
        user.id,
        { totpSecret: sealTotpSecret(tx, user.id, secret), totpLastStep: null },
        Date.now(),
      );
      logEntry(tx, ctx, staff(user), entry(user, 'account.totpBegin'));
    });
    return enrolmentDetails(secret, row.email);
  }),

  /**
   * The first code switches the second factor on and returns the ten recovery codes, shown
   * this once. A session that was held at enrolment is signed in from here on.
   */
  totpConfirm: enrolmentProcedure.input(totpCodeInput).mutation(async ({ ctx, input }) => {
    const { user, sessionId, stage } = ctx.account;
    const row = ownRow(ctx, user.id);
    if (row.totpEnabledAt) throw domainError('CONFLICT', 'totpAlreadyEnabled');
    if (!row.totpSecret) throw domainError('CONFLICT', 'totpNotEnabled');
    if (!(await consumeCodeAttempt(ctx.db, user.id))) throw rateLimited();
    const now = Date.now();
    const step = matchTotpStep(openTotpSecret(ctx.db, user.id, row.totpSecret), input.code, now);
    if (step === null) throw invalidCode();
    const codes = ctx.db.transaction((tx) => {
      updateUserFields(tx, user.id, { totpEnabledAt: now, totpLastStep: step }, now);
      const recovery = newRecoveryCodes(tx, user.id);
      if (stage === 'enrol') setSessionStage(tx, sessionId, 'full');
      logEntry(tx, ctx, staff(user), entry(user, 'account.totpEnable'));
      return recovery;
    });
    return { recoveryCodes: codes };
  }),

  /** Needs the password and a code (or a recovery code): a stolen session alone cannot. */
  totpDisable: authedProcedure.input(totpDisableInput).mutation(async ({ ctx, input }) => {
    const { user } = ctx.session;
    const row = await checkCurrentPassword(ctx, user, input.password);
    if (!row.totpEnabledAt || !row.totpSecret) throw domainError('CONFLICT', 'totpNotEnabled');
    const secret = openTotpSecret(ctx.db, user.id, row.totpSecret);
    if (!(await consumeCodeAttempt(ctx.db, user.id))) throw rateLimited();
    const ok = ctx.db.transaction((tx) => {
      const now = Date.now();
      const checked = checkSecondFactor(tx, { id: user.id, secret }, input.code, now);
      if (!checked.ok) {
        logEntry(tx, ctx, staff(user), {
          ...entry(user, 'account.totpDisable'),
          outcome: 'denied',
          detail: { reason: 'invalid_code' },
        });
        return false;
      }
      updateUserFields(
        tx,
        user.id,
        { totpSecret: null, totpEnabledAt: null, totpLastStep: null },
        now,
      );
      deleteRecoveryCodes(tx, user.id);
      logEntry(tx, ctx, staff(user), entry(user, 'account.totpDisable'));
      return true;
    });
    if (!ok) throw invalidCode();
    return { ok: true };
  }),
});
