import type { AuditEntry, Conn } from '@mg/db';
import { type AuditPurpose, type Permission, type SessionStage, toFieldErrors } from '@mg/shared';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { type LogEntry, logEntry, logNow } from './lib/access-log';
import { authorize, refuseUnauthenticated } from './lib/authorize';
import type { Context } from './lib/context-types';
import { DomainError, RecordNotFound } from './lib/errors';
import { accountSession } from './lib/second-factor';

// The context type lives in lib (lib code takes it and must not import this file).
export type { Context, CookieJar } from './lib/context-types';

export type ProcedureMeta = {
  /** Every procedure names exactly one: a permission, or that it is public/any signed-in user. */
  permission: Permission | 'public' | 'authenticated';
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Never send stack traces, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const cause = error.cause;
      const fieldErrors =
        cause instanceof ZodError
          ? toFieldErrors(cause.issues)
          : cause instanceof DomainError
            ? cause.fieldErrors
            : undefined;
      const domainCode = cause instanceof DomainError ? cause.domainCode : undefined;
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      return {
        ...shape,
        message: internal
          ? 'internal'
          : cause instanceof ZodError
            ? 'invalidInput'
            : (domainCode ?? shape.message),
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          requestId: ctx?.requestId ?? null,
          domainCode: internal ? ('internal' as const) : domainCode,
          fieldErrors,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

// ---------------------------------------------------------------- audit helpers

export type LogFn = (
  entry: Omit<LogEntry, 'outcome' | 'action'> & {
    action?: string;
    outcome?: AuditEntry['outcome'];
  },
) => void;

// ---------------------------------------------------------------- procedures

/** No session needed. Used for login and for reading who is signed in. */
export const publicProcedure = t.procedure.meta({ permission: 'public' });

function refusal(code: 'UNAUTHORIZED' | 'FORBIDDEN') {
  const key = code === 'UNAUTHORIZED' ? 'unauthenticated' : 'forbidden';
  return new TRPCError({ code, message: key, cause: new DomainError(code, key) });
}

const requireSession = t.middleware(({ ctx, next, path }) => {
  if (!ctx.session) throw refusal(refuseUnauthenticated(ctx, path).code);
  return next({ ctx: { session: ctx.session } });
});

/** Any signed-in user, for their own things (sessions, profile). */
export const authedProcedure = t.procedure
  .meta({ permission: 'authenticated' })
  .use(requireSession);

/**
 * Procedures a signed-in user may use and also a session held at a second-factor step the
 * list accepts (enrolment, or logout while a code is still owed). Nothing else accepts such
 * a session (the request context does not count it as signed in).
 */
function accountBuilder(accept: readonly SessionStage[]) {
  return publicProcedure.meta({ permission: 'authenticated' }).use(({ ctx, next, path }) => {
    const account = accountSession(ctx, accept);
    if (!account) throw refusal(refuseUnauthenticated(ctx, path).code);
    return next({ ctx: { account } });
  });
}

/** The second factor's enrolment: a full session, or one whose role requires it first. */
export const enrolmentProcedure = accountBuilder(['enrol']);

/** Logout: also ends a session held at either second-factor step. */
export const anySessionProcedure = accountBuilder(['enrol', 'totp']);

/**
 * The one way to build a protected procedure. `authorize` (lib/authorize.ts, shared with the
 * file downloads) checks the session and the permission from the shared table, logs any
 * refusal, and computes the caller's record scope once; the handler gets `audited`, which
 * runs its work in a transaction together with its access-log entries: a change is never
 * saved without its entry, and a procedure that forgets to log fails instead of committing.
 * Someone else's record and internal errors are logged here too.
 */
export function can(permission: Permission, options: { purpose?: AuditPurpose } = {}) {
  const purpose = options.purpose ?? null;
  return t.procedure.meta({ permission }).use(async ({ ctx, next, path }) => {
    const auth = authorize(ctx, permission, purpose, path);
    if (!auth.ok) throw refusal(auth.code);
    const { actor, scope, session } = auth;
    const audited = <T>(work: (tx: Conn, log: LogFn) => T): T =>
      ctx.db.transaction((tx) => {
        let entries = 0;
        const log: LogFn = (entry) => {
          entries++;
          logEntry(tx, ctx, actor, {
            purpose,
            outcome: 'ok',
            ...entry,
            action: entry.action ?? path,
          });
        };
        const result = work(tx, log);
        if (entries === 0) throw new Error(`${path} wrote no access-log entry`);
        return result;
      });
    const result = await next({ ctx: { session, actor, scope, audited } });
    if (!result.ok) {
      const cause = result.error.cause;
      if (cause instanceof RecordNotFound) {
        logNow(ctx.db, ctx, actor, {
          action: path,
          outcome: 'denied',
          purpose,
          targetType: cause.targetType,
          targetIds: [cause.targetId],
          detail: { reason: 'not_found_or_out_of_scope' },
        });
      } else if (result.error.code === 'INTERNAL_SERVER_ERROR') {
        logNow(ctx.db, ctx, actor, { action: path, outcome: 'error', purpose });
      }
    }
    return result;
  });
}
