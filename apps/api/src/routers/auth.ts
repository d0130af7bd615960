import { appendAccessLog, deleteSession, listUserSessions } from '@mg/db';
import { loginInput, ROLE_PERMISSIONS } from '@mg/shared';
import { z } from 'zod';
import { notFound } from '../lib/errors';
import { login } from '../lib/login';
import { authedProcedure, baseEntry, publicProcedure, router } from '../trpc';

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => {
    if (!ctx.session) return null;
    const { user } = ctx.session;
    return {
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        subsidiaryId: user.subsidiaryId,
        subsidiaryName: user.subsidiaryName,
      },
      permissions: [...ROLE_PERMISSIONS[user.role]],
    };
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { userId } = await login(ctx, input.email, input.password);
    return { userId };
  }),

  logout: authedProcedure.mutation(({ ctx }) => {
    const { sessionId, user } = ctx.session;
    ctx.db.transaction((tx) => {
      deleteSession(tx, sessionId);
      appendAccessLog(tx, {
        ...baseEntry(ctx, { userId: user.id, role: user.role }, 'auth.logout'),
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
        appendAccessLog(tx, {
          ...baseEntry(ctx, { userId: user.id, role: user.role }, 'auth.revokeSession'),
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
