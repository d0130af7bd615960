import type { AuditPurpose, Permission, Scope } from '@mg/shared';
import type { Context as HonoContext } from 'hono';
import { type AppBindings, type AppDeps, createRequestContext } from '../context';
import { publicBaseUrl } from '../env';
import { logNow, PUBLIC, type StaffActor } from '../lib/access-log';
import { authorize } from '../lib/authorize';
import type { Context } from '../lib/context-types';
import { allowedOrigins, originAllowed, originHeaders } from '../lib/origin';

type Answer = (body: unknown, status: 400 | 401 | 403) => Response;
type Authorized = {
  ok: true;
  ctx: Context & { session: NonNullable<Context['session']> };
  actor: StaffActor;
  scope: Scope;
  /** A JSON error that keeps any cookie the session check set (e.g. clearing a stale one). */
  answer: Answer;
  /** Set-Cookie values to carry on the file response. */
  setCookies: () => string[];
};

const REFUSED = {
  UNAUTHORIZED: {
    body: { error: { code: 'UNAUTHORIZED', domainCode: 'unauthenticated' } },
    status: 401,
  },
  FORBIDDEN: { body: { error: { code: 'FORBIDDEN', domainCode: 'forbidden' } }, status: 403 },
} as const;

/**
 * The checks every file download (CSV exports) makes before it reads anything: the shared
 * origin rule (lib/origin.ts), then the same `authorize` as every procedure (signed in, the
 * permission from the shared table, the scope). Every refusal is logged as denied, there.
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

  // A download link followed from another site must not run an export in the user's name.
  if (!originAllowed(originHeaders(c.req), allowedOrigins(publicBaseUrl(deps.env)))) {
    logNow(ctx.db, ctx, PUBLIC, {
      action: rule.action,
      outcome: 'denied',
      purpose: 'security',
      detail: { reason: 'cross_site' },
    });
    const { body, status } = REFUSED.FORBIDDEN;
    return { ok: false, response: answer(body, status) };
  }
  const auth = authorize(ctx, rule.permission, rule.purpose, rule.action);
  if (!auth.ok) {
    const { body, status } = REFUSED[auth.code];
    return { ok: false, response: answer(body, status) };
  }
  return {
    ok: true,
    ctx: { ...ctx, session: auth.session },
    actor: auth.actor,
    scope: auth.scope,
    answer,
    setCookies: () => resHeaders.getSetCookie(),
  };
}
