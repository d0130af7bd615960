import { findUserIdByEmail, getUserForAdmin } from '@mg/db';
import { normaliseEmail } from '@mg/shared';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { logEntry, logNow, PUBLIC } from './access-log';
import { issueLink } from './accounts';
import type { Context } from './context-types';
import { domainError } from './errors';

type Limiters = { perAddress: RateLimiterMemory; perIp: RateLimiterMemory };
/** One pair per database, so separate databases (tests) do not share counts. */
const limiters = new WeakMap<object, Limiters>();
function limitersFor(db: object): Limiters {
  let l = limiters.get(db);
  if (!l) {
    l = {
      // Per address: a few links an hour, so nobody's mailbox can be flooded through us.
      perAddress: new RateLimiterMemory({ points: 3, duration: 60 * 60 }),
      // Per IP: one client cannot try address after address.
      perIp: new RateLimiterMemory({ points: 20, duration: 15 * 60 }),
    };
    limiters.set(db, l);
  }
  return l;
}

const consumed = (limiter: RateLimiterMemory, key: string) =>
  limiter.consume(key).then(
    () => true,
    () => false,
  );

/**
 * "Forgot password": the answer is the same whether or not the address belongs to someone,
 * and whether or not its per-address limit is spent (then simply no mail goes out); both
 * paths write one access-log entry in one transaction, so they also take about as long.
 * Only the per-IP limit answers differently (429), which tells nothing about any address.
 */
export async function requestPasswordReset(ctx: Context, rawEmail: string, now = Date.now()) {
  const { perAddress, perIp } = limitersFor(ctx.db);
  if (!(await consumed(perIp, ctx.ip ?? 'unknown'))) {
    logNow(ctx.db, ctx, PUBLIC, {
      action: 'auth.forgotPassword',
      purpose: 'security',
      outcome: 'denied',
      detail: { reason: 'ip_rate_limited' },
    });
    throw domainError('TOO_MANY_REQUESTS', 'rateLimited');
  }
  const email = normaliseEmail(rawEmail);
  const allowed = await consumed(perAddress, email);
  let queued = false;
  ctx.db.transaction((tx) => {
    const found = findUserIdByEmail(tx, email);
    const user = found ? getUserForAdmin(tx, found.id) : undefined;
    const send = allowed && user?.active === true;
    if (send && user) {
      issueLink(tx, user, 'reset', ctx.baseUrl ?? 'http://localhost', now);
      queued = true;
    }
    // Whoever asks is not signed in: no IP or user agent is kept.
    logEntry(tx, ctx, PUBLIC, {
      action: 'auth.forgotPassword',
      purpose: 'security',
      outcome: send ? 'ok' : 'denied',
      targetType: user ? 'user' : null,
      targetIds: user ? [user.id] : null,
      detail: {
        reason: send ? 'sent' : !user ? 'unknown' : !allowed ? 'address_rate_limited' : 'inactive',
      },
    });
  });
  if (queued) ctx.kickOutbox?.();
  return { ok: true as const };
}
