import type { AuditPurpose, Permission } from '@mg/shared';
import { hasPermission } from '@mg/shared';
import type { Context as HonoContext } from 'hono';
import { type AppBindings, type AppDeps, createRequestContext } from '../context';
import { type Context, writeAuditNow } from '../trpc';

type Answer = (body: unknown, status: 400 | 401 | 403) => Response;
type Authorized = {
  ok: true;
  ctx: Context & { session: NonNullable<Context['session']> };
  actor: { userId: number; role: NonNullable<Context['session']>['user']['role'] };
  /** A JSON error that keeps any cookie the session check set (e.g. clearing a stale one). */
  answer: Answer;
  /** Set-Cookie values to carry on the file response. */
  setCookies: () => string[];
};

/**
 * The checks every file download (CSV exports) makes before it reads anything, the same way
 * the tRPC builder does for procedures: same-origin, signed in, the permission from the
 * shared table. Every refusal is logged as denied.
 */
export function authorizeDownload(
  deps: AppDeps,
  c: HonoContext<AppBindings>,
  rule: { action: string; permission: Permission; purpose: AuditPurpose },
): Authorized | { ok: false; response: Response } {
  const resHeaders = new Headers();
  const ctx = createRequestContext(deps, c, resHeaders);
  const answer: Answer = (body, status) => {
    const res = c.json(body, status);
    for (const cookie of resHeaders.getSetCookie()) res.headers.append('set-cookie', cookie);
    return res;
  };
  const deny = (
    actor: Authorized['actor'] | null,
    detail: Record<string, unknown>,
    purpose: AuditPurpose,
  ) => writeAuditNow(ctx, actor, { action: rule.action, outcome: 'denied', purpose, detail });

  // A download link followed from another site must not run an export in the user's name.
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    deny(null, { reason: 'cross_site' }, 'security');
    return {
      ok: false,
      response: answer({ error: { code: 'FORBIDDEN', domainCode: 'forbidden' } }, 403),
    };
  }
  const session = ctx.session;
  if (!session) {
    deny(null, { reason: 'unauthenticated' }, 'security');
    return {
      ok: false,
      response: answer({ error: { code: 'UNAUTHORIZED', domainCode: 'unauthenticated' } }, 401),
    };
  }
  const actor = { userId: session.user.id, role: session.user.role };
  if (!hasPermission(session.user.role, rule.permission)) {
    deny(actor, { permission: rule.permission }, rule.purpose);
    return {
      ok: false,
      response: answer({ error: { code: 'FORBIDDEN', domainCode: 'forbidden' } }, 403),
    };
  }
  return {
    ok: true,
    ctx: { ...ctx, session },
    actor,
    answer,
    setCookies: () => resHeaders.getSetCookie(),
  };
}
