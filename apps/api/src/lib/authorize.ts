import {
  type AuditPurpose,
  hasPermission,
  type Permission,
  type Scope,
  scopeFor,
} from '@mg/shared';
import { logNow, PUBLIC, type StaffActor, staff } from './access-log';
import type { Context } from './context-types';
import type { SessionUser } from './session';

export type Authorized = {
  ok: true;
  session: { sessionId: string; user: SessionUser };
  actor: StaffActor;
  scope: Scope;
};
export type Refused = { ok: false; code: 'UNAUTHORIZED' | 'FORBIDDEN' };

/** No session: refused and counted as an anonymous denial (per IP and minute). */
export function refuseUnauthenticated(ctx: Context, action: string): Refused {
  logNow(ctx.db, ctx, PUBLIC, {
    action,
    outcome: 'denied',
    purpose: 'security',
    detail: { reason: 'unauthenticated' },
  });
  return { ok: false, code: 'UNAUTHORIZED' };
}

/**
 * The one permission check, for procedures (`can()` in trpc.ts) and file downloads alike:
 * signed in, the permission from the shared table, the caller's record scope. Every refusal
 * is logged here, in the same shape whichever door was knocked on.
 */
export function authorize(
  ctx: Context,
  permission: Permission,
  purpose: AuditPurpose | null,
  action: string,
): Authorized | Refused {
  const session = ctx.session;
  if (!session) return refuseUnauthenticated(ctx, action);
  const actor = staff(session.user);
  if (!hasPermission(session.user.role, permission)) {
    logNow(ctx.db, ctx, actor, { action, outcome: 'denied', purpose, detail: { permission } });
    return { ok: false, code: 'FORBIDDEN' };
  }
  return { ok: true, session, actor, scope: scopeFor(session.user) };
}
