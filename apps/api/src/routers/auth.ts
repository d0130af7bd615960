import { deleteSession, listUserSessions } from '@mg/db';
import {
  forgotPasswordInput,
  linkTokenInput,
  loginInput,
  ROLE_PERMISSIONS,
  setPasswordInput,
  totpCodeInput,
} from '@mg/shared';
import { z } from 'zod';
import { logEntry, staff } from '../lib/access-log';
import { describeLink, setPasswordFromLink } from '../lib/accounts';
import { notFound } from '../lib/errors';
import { requestPasswordReset } from '../lib/forgot-password';
import { login } from '../lib/login';
import { verifySecondFactor } from '../lib/second-factor';
import type { SessionUser } from '../lib/session';
import { anySessionProcedure, authedProcedure, publicProcedure, router } from '../trpc';

/** What the app may know of the signed-in person: explicit fields, never the whole row. */
function ownProfile(user: SessionUser) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    subsidiaryId: user.subsidiaryId,
    subsidiaryName: user.subsidiaryName,
  };
}

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => {
    // Past the password only: the app shows the second-factor step and nothing else.
    if (ctx.pending) {
      const { user, stage } = ctx.pending;
      return { stage, user: ownProfile(user), permissions: [] };
    }
    if (!ctx.session) return null;
    const { user } = ctx.session;
    return {
      stage: 'full' as const,
      user: ownProfile(user),
      permissions: [...ROLE_PERMISSIONS[user.role]],
    };
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { userId, stage } = await login(ctx, input.email, input.password);
    return { userId, stage };
  }),

  /** The second step of signing in, for a user with a second factor. */
  verifyTotp: publicProcedure
    .input(totpCodeInput)
    .mutation(({ ctx, input }) => verifySecondFactor(ctx, input.code)),

  /** Whose invitation or reset link this is, before they choose a password. */
  linkInfo: publicProcedure
    .input(linkTokenInput)
    .query(({ ctx, input }) => describeLink(ctx.db, input.token)),

  /** Sets the password from an invitation or reset link; the person then signs in. */
  setPassword: publicProcedure
    .input(setPasswordInput)
    .mutation(({ ctx, input }) => setPasswordFromLink(ctx, input.token, input.password)),

  forgotPassword: publicProcedure
    .input(forgotPasswordInput)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, input.email)),

  /** Also ends a session held at the second-factor step ("cancel"). */
  logout: anySessionProcedure.mutation(({ ctx }) => {
    const { sessionId, user } = ctx.account;
    ctx.db.transaction((tx) => {
      deleteSession(tx, sessionId);
      logEntry(tx, ctx, staff(user), {
        action: 'auth.logout',
        purpose: 'security',
        outcome: 'ok',
      });
    });
    ctx.cookies.clearSession();
    return { ok: true };
  }),

  sessions: authedProcedure.query(({ ctx }) =>
    listUserSessions(ctx.db, ctx.session.user.id).map((s) => ({
      ...s,
      current: s.id === ctx.session.sessionId,
    })),
  ),

  revokeSession: authedProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => {
      const { user, sessionId } = ctx.session;
      const own = listUserSessions(ctx.db, user.id).some((s) => s.id === input.id);
      if (!own) throw notFound('session', 0);
      ctx.db.transaction((tx) => {
        deleteSession(tx, input.id);
        logEntry(tx, ctx, staff(user), {
          action: 'auth.revokeSession',
          purpose: 'security',
          outcome: 'ok',
          targetType: 'user',
          targetIds: [user.id],
        });
      });
      if (input.id === sessionId) ctx.cookies.clearSession();
      return { ok: true };
    }),
});
