import {
  type Conn,
  deleteUserSessions,
  findUserIdByEmail,
  getSubsidiary,
  getTotpRequiredRoles,
  getUserForAdmin,
  insertInvitedUser,
  listUsers,
  revokeUserTokens,
  setTotpRequiredRoles,
  updateUserFields,
} from '@mg/db';
import {
  type Scope,
  totpRolesInput,
  userAccessInput,
  userIdInput,
  userInviteInput,
  userListInput,
} from '@mg/shared';
import { issueLink } from '../lib/accounts';
import { domainError, notFound } from '../lib/errors';
import { type Context, can, router } from '../trpc';

const manage = () => can('user:manage', { purpose: 'security' });

function baseUrlOf(ctx: Context) {
  return ctx.baseUrl ?? 'http://localhost';
}

/** The user to change, or NOT_FOUND (logged as a denied attempt by the builder). */
function userOr404(conn: Conn, id: number) {
  const user = getUserForAdmin(conn, id);
  if (!user) throw notFound('user', id);
  return user;
}

/** An admin cannot lock themselves out by mistake: their own access is not changed here. */
function notOwnAccount(ctx: { actor: { userId: number } }, id: number) {
  if (ctx.actor.userId === id) throw domainError('BAD_REQUEST', 'ownAccount');
}

function checkSubsidiary(conn: Conn, scope: Scope, subsidiaryId: number | null) {
  if (subsidiaryId === null) return;
  const sub = getSubsidiary(conn, { scope, id: subsidiaryId });
  if (!sub) throw domainError('BAD_REQUEST', 'notFound', { subsidiaryId: [{ key: 'invalid' }] });
  if (!sub.active)
    throw domainError('BAD_REQUEST', 'inactiveSubsidiary', { subsidiaryId: [{ key: 'invalid' }] });
}

/**
 * User administration. Every change is a security event in the access log (ids only), in the
 * transaction of the change; anything that changes what a person may see ends their sessions.
 */
export const userRouter = router({
  list: can('user:read', { purpose: 'security' })
    .input(userListInput)
    .query(({ ctx, input }) => listUsers(ctx.db, input)),

  invite: manage()
    .input(userInviteInput)
    .mutation(({ ctx, input }) => {
      const result = ctx.audited((tx, log) => {
        if (findUserIdByEmail(tx, input.email))
          throw domainError('CONFLICT', 'duplicateEmail', { email: [{ key: 'invalid' }] });
        checkSubsidiary(tx, ctx.scope, input.subsidiaryId);
        const now = Date.now();
        const { id } = insertInvitedUser(tx, input, now);
        issueLink(tx, { id, email: input.email, name: input.name }, 'invite', baseUrlOf(ctx), now);
        log({ targetType: 'user', targetIds: [id], detail: { role: input.role } });
        return { id };
      });
      ctx.kickOutbox?.();
      return result;
    }),

  resendInvitation: manage()
    .input(userIdInput)
    .mutation(({ ctx, input }) => {
      ctx.audited((tx, log) => {
        const user = userOr404(tx, input.id);
        if (user.passwordSetAt !== null || !user.active)
          throw domainError('CONFLICT', 'notInvited');
        issueLink(tx, user, 'invite', baseUrlOf(ctx));
        log({ targetType: 'user', targetIds: [user.id] });
      });
      ctx.kickOutbox?.();
      return { ok: true };
    }),

  /** The link stops working and the person cannot sign in (status "deactivated"). */
  revokeInvitation: manage()
    .input(userIdInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const user = userOr404(tx, input.id);
        if (user.passwordSetAt !== null) throw domainError('CONFLICT', 'notInvited');
        const now = Date.now();
        const revoked = revokeUserTokens(tx, user.id, 'invite', now);
        updateUserFields(tx, user.id, { active: false }, now);
        log({ targetType: 'user', targetIds: [user.id], detail: { revoked } });
        return { ok: true };
      }),
    ),

  deactivate: manage()
    .input(userIdInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        notOwnAccount(ctx, input.id);
        const user = userOr404(tx, input.id);
        const now = Date.now();
        updateUserFields(tx, user.id, { active: false }, now);
        revokeUserTokens(tx, user.id, 'invite', now);
        revokeUserTokens(tx, user.id, 'reset', now);
        deleteUserSessions(tx, user.id);
        log({ targetType: 'user', targetIds: [user.id] });
        return { ok: true };
      }),
    ),

  /** Back in; someone who never set a password is "invited" again and needs a new link. */
  reactivate: manage()
    .input(userIdInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const user = userOr404(tx, input.id);
        updateUserFields(
          tx,
          user.id,
          { active: true, failedLogins: 0, lockedUntil: null },
          Date.now(),
        );
        log({ targetType: 'user', targetIds: [user.id] });
        return { ok: true, needsInvitation: user.passwordSetAt === null };
      }),
    ),

  /** Role and subsidiary together (a subsidiary user needs one; no one else may have one). */
  updateAccess: manage()
    .input(userAccessInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        notOwnAccount(ctx, input.id);
        const user = userOr404(tx, input.id);
        checkSubsidiary(tx, ctx.scope, input.subsidiaryId);
        const changed = user.role !== input.role || user.subsidiaryId !== input.subsidiaryId;
        if (changed) {
          updateUserFields(
            tx,
            user.id,
            { role: input.role, subsidiaryId: input.subsidiaryId },
            Date.now(),
          );
          deleteUserSessions(tx, user.id);
        }
        log({
          targetType: 'user',
          targetIds: [user.id],
          detail: {
            fromRole: user.role,
            toRole: input.role,
            fromSubsidiaryId: user.subsidiaryId,
            toSubsidiaryId: input.subsidiaryId,
            changed,
          },
        });
        return { ok: true, changed };
      }),
    ),

  unlock: manage()
    .input(userIdInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        const user = userOr404(tx, input.id);
        updateUserFields(tx, user.id, { failedLogins: 0, lockedUntil: null }, Date.now());
        log({ targetType: 'user', targetIds: [user.id] });
        return { ok: true };
      }),
    ),

  /** Mails a reset link and ends every session: the old password may be known to someone. */
  resetPassword: manage()
    .input(userIdInput)
    .mutation(({ ctx, input }) => {
      ctx.audited((tx, log) => {
        const user = userOr404(tx, input.id);
        if (!user.active || user.passwordSetAt === null)
          throw domainError('CONFLICT', 'notInvited');
        issueLink(tx, user, 'reset', baseUrlOf(ctx));
        deleteUserSessions(tx, user.id);
        log({ targetType: 'user', targetIds: [user.id] });
      });
      ctx.kickOutbox?.();
      return { ok: true };
    }),

  totpRoles: can('user:read', { purpose: 'security' }).query(({ ctx }) => ({
    roles: getTotpRequiredRoles(ctx.db),
  })),

  /** Takes effect at each person's next sign-in. */
  setTotpRoles: manage()
    .input(totpRolesInput)
    .mutation(({ ctx, input }) =>
      ctx.audited((tx, log) => {
        setTotpRequiredRoles(tx, input.roles);
        log({ detail: { roles: [...input.roles].sort() } });
        return { roles: getTotpRequiredRoles(tx) };
      }),
    ),
});
