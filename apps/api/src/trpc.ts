import {
  type AuditEntry,
  appendAccessLog,
  type Conn,
  type Db,
  recordAnonymousDenial,
} from '@mg/db';
import {
  type AuditPurpose,
  hasPermission,
  type Permission,
  scopeFor,
  toFieldErrors,
} from '@mg/shared';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { AuditTrail } from './lib/audit-check';
import { DomainError, RecordNotFound } from './lib/errors';
import type { Logger } from './lib/logger';
import type { PendingSession, SessionUser } from './lib/session';

// ---------------------------------------------------------------- context

export interface CookieJar {
  setSession(token: string): void;
  clearSession(): void;
}

export interface Context {
  db: Db;
  log: Logger;
  /** Made by the server for every request; never the client's. */
  requestId: string;
  /** What the client sent as x-request-id (checked), kept apart in entries' detail. */
  clientRequestId?: string | null;
  ip: string | null;
  userAgent: string | null;
  session: { sessionId: string; user: SessionUser } | null;
  cookies: CookieJar;
  /** Access-log anchors and checks (the API checks in a worker thread). */
  auditTrail: AuditTrail;
  /**
   * A session past the password only (a code to give, or a second factor to enrol): it is
   * not `session`, so every procedure refuses it but the few built for it.
   */
  pending?: PendingSession | null;
  /** Origin for links in mail: PUBLIC_URL, else the listening address (never the Host header). */
  baseUrl?: string;
  /** Sends queued mail soon (after a commit that queued some). */
  kickOutbox?: () => void;
  /** Where .eml copies of mail are (OUTBOX_DIR): anonymisation deletes a person's. */
  outboxDir?: string;
}

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

type Actor = { userId: number; role: SessionUser['role'] };
export type LogFn = (
  entry: Omit<AuditEntry, 'outcome' | 'action'> & {
    action?: string;
    outcome?: AuditEntry['outcome'];
  },
) => void;

/** Who, from where, in which request: the part of an entry every writer shares. */
export function baseEntry(ctx: Context, actor: Actor | null, action: string) {
  return {
    actorUserId: actor?.userId ?? null,
    actorRole: actor?.role ?? null,
    action,
    requestId: ctx.requestId,
    clientRequestId: ctx.clientRequestId ?? null,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  };
}

/**
 * For entries outside a change (denials, failures, logins): a transaction of their own.
 * A denial without a signed-in actor is only counted, per IP and minute (one entry per
 * minute with the count), so nobody can flood the log without signing in.
 */
export function writeAuditNow(ctx: Context, actor: Actor | null, entry: AuditEntry) {
  if (!actor && entry.outcome === 'denied') {
    const reason = entry.detail?.reason;
    ctx.db.transaction((tx) =>
      recordAnonymousDenial(tx, {
        ip: ctx.ip,
        action: entry.action,
        reason: typeof reason === 'string' ? reason : 'denied',
        requestId: ctx.requestId,
        userAgent: ctx.userAgent,
      }),
    );
    return;
  }
  ctx.db.transaction((tx) =>
    appendAccessLog(tx, { ...baseEntry(ctx, actor, entry.action), ...entry }),
  );
}

// ---------------------------------------------------------------- procedures

/** No session needed. Used for login and for reading who is signed in. */
export const publicProcedure = t.procedure.meta({ permission: 'public' });

const requireSession = t.middleware(({ ctx, next, path }) => {
  if (!ctx.session) {
    writeAuditNow(ctx, null, {
      action: path,
      outcome: 'denied',
      purpose: 'security',
      detail: { reason: 'unauthenticated' },
    });
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'unauthenticated',
      cause: new DomainError('UNAUTHORIZED', 'unauthenticated'),
    });
  }
  return next({ ctx: { session: ctx.session } });
});

/** Any signed-in user, for their own things (sessions, profile). */
export const authedProcedure = t.procedure
  .meta({ permission: 'authenticated' })
  .use(requireSession);

/**
 * The one way to build a protected procedure. Checks the permission from the shared table,
 * computes the caller's record scope once, and gives the handler `audited`, which runs its
 * work in a transaction together with its access-log entries: a change is never saved
 * without its entry, and a procedure that forgets to log fails instead of committing.
 * Denied attempts (missing permission, someone else's record) are logged here.
 */
export function can(permission: Permission, options: { purpose?: AuditPurpose } = {}) {
  return t.procedure
    .meta({ permission })
    .use(requireSession)
    .use(async ({ ctx, next, path }) => {
      const user = ctx.session.user;
      const actor: Actor = { userId: user.id, role: user.role };
      if (!hasPermission(user.role, permission)) {
        writeAuditNow(ctx, actor, {
          action: path,
          outcome: 'denied',
          purpose: options.purpose ?? null,
          detail: { permission },
        });
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: 'forbidden',
          cause: new DomainError('FORBIDDEN', 'forbidden'),
        });
      }
      const scope = scopeFor(user);
      const audited = <T>(work: (tx: Conn, log: LogFn) => T): T =>
        ctx.db.transaction((tx) => {
          let entries = 0;
          const log: LogFn = (entry) => {
            entries++;
            appendAccessLog(tx, {
              ...baseEntry(ctx, actor, entry.action ?? path),
              purpose: options.purpose ?? null,
              outcome: 'ok',
              ...entry,
            });
          };
          const result = work(tx, log);
          if (entries === 0) throw new Error(`${path} wrote no access-log entry`);
          return result;
        });
      const result = await next({ ctx: { actor, scope, audited } });
      if (!result.ok) {
        const cause = result.error.cause;
        if (cause instanceof RecordNotFound) {
          writeAuditNow(ctx, actor, {
            action: path,
            outcome: 'denied',
            purpose: options.purpose ?? null,
            targetType: cause.targetType,
            targetIds: [cause.targetId],
            detail: { reason: 'not_found_or_out_of_scope' },
          });
        } else if (result.error.code === 'INTERNAL_SERVER_ERROR') {
          writeAuditNow(ctx, actor, {
            action: path,
            outcome: 'error',
            purpose: options.purpose ?? null,
          });
        }
      }
      return result;
    });
}
