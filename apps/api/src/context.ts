import type { Db } from '@mg/db';
import type { Context as HonoContext } from 'hono';
import { generateCookie, getCookie } from 'hono/cookie';
import type { Env } from './env';
import { publicBaseUrl, secureCookies } from './env';
import { workerAuditTrail } from './jobs/audit-verify';
import { readsFor } from './jobs/read-workers';
import type { Context } from './lib/context-types';
import type { Logger } from './lib/logger';
import { resolveSession, SESSION_ABSOLUTE_MS, SESSION_COOKIE } from './lib/session';
import type { WriteGate } from './lib/write-gate';

export interface AppDeps {
  db: Db;
  env: Env;
  log: Logger;
  /** Sends queued mail soon; intake nudges it after each commit. Absent: the schedule alone. */
  outbox?: { kick(): void };
  /**
   * Requests wait here while work on another thread holds the write lock for long (the
   * search-index merge, decision 059). Absent: requests are not counted (tests).
   */
  gate?: WriteGate;
}

export type AppBindings = {
  Variables: { requestId: string; clientRequestId: string | null; clientIp: string | null };
};

/** Build the tRPC context for one HTTP request: who is calling, from where, with which cookie. */
export function createRequestContext(
  deps: AppDeps,
  c: HonoContext<AppBindings>,
  resHeaders: Headers,
): Context {
  const secure = secureCookies(deps.env);
  const cookieName = secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
  const token = getCookie(c, cookieName);
  const { session, pending } = resolveSession(deps.db, token);
  // tRPC builds its own Response, so cookies go on the headers it hands us.
  const clear = () =>
    resHeaders.append(
      'set-cookie',
      generateCookie(cookieName, '', { path: '/', secure, maxAge: 0 }),
    );
  if (token && !session && !pending) clear();
  return {
    db: deps.db,
    log: deps.log,
    requestId: c.get('requestId'),
    clientRequestId: c.get('clientRequestId'),
    ip: c.get('clientIp'),
    userAgent: c.req.header('user-agent') ?? null,
    session,
    pending,
    baseUrl: publicBaseUrl(deps.env),
    kickOutbox: () => deps.outbox?.kick(),
    outboxDir: deps.env.OUTBOX_DIR,
    cookies: {
      setSession(value) {
        resHeaders.append(
          'set-cookie',
          generateCookie(cookieName, value, {
            path: '/',
            httpOnly: true,
            sameSite: 'Lax',
            secure,
            maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
          }),
        );
      },
      clearSession: clear,
    },
    auditTrail: workerAuditTrail(deps.db, deps.env),
    reads: readsFor(deps.db),
  };
}
