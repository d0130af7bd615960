import { appendAccessLog } from '@mg/db';
import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppBindings, AppDeps } from '../context';

/**
 * Per-IP cap on login attempts, before any password is hashed: the per-account lock-out
 * stops guessing one password, this stops spraying many accounts from one address.
 */
export function loginRateLimit(deps: AppDeps): MiddlewareHandler<AppBindings> {
  const limiter = new RateLimiterMemory({ points: deps.env.LOGIN_RATE_LIMIT, duration: 60 });
  return async (c, next) => {
    // tRPC may batch several procedures into one path: /trpc/auth.me,auth.login
    if (c.req.method !== 'POST' || !c.req.path.includes('auth.login')) return next();
    try {
      await limiter.consume(c.get('clientIp') ?? 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      deps.db.transaction((tx) =>
        appendAccessLog(tx, {
          action: 'auth.login',
          outcome: 'denied',
          purpose: 'security',
          requestId: c.get('requestId'),
          ip: c.get('clientIp'),
          userAgent: c.req.header('user-agent') ?? null,
          detail: { reason: 'ip_rate_limited' },
        }),
      );
      c.header('Retry-After', String(Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
      return c.json(
        {
          error: {
            code: 'TOO_MANY_REQUESTS',
            data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, domainCode: 'rateLimited' },
          },
        },
        429,
      );
    }
    return next();
  };
}
