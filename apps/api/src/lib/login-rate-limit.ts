import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppBindings, AppDeps } from '../context';
import { logNow, PUBLIC } from './access-log';

/**
 * How many login attempts one tRPC request carries. A batch names each procedure in the
 * path (`/trpc/auth.me,auth.login,auth.login`), so a batch of 30 logins is 30 attempts.
 */
export function loginAttemptsIn(path: string): number {
  let decoded = path;
  try {
    // An encoded comma or dot must not hide an attempt from the count.
    decoded = decodeURIComponent(path);
  } catch {}
  const procedures = decoded.replace(/^.*\/trpc\//, '').split(',');
  return procedures.filter((name) => name.trim() === 'auth.login').length;
}

/**
 * Per-IP cap on login attempts, before any password is hashed: the per-account lock-out
 * stops guessing one password, this stops spraying many accounts from one address. It counts
 * attempts, not HTTP requests: each procedure in a batch costs one point.
 */
export function loginRateLimit(deps: AppDeps): MiddlewareHandler<AppBindings> {
  const limiter = new RateLimiterMemory({ points: deps.env.LOGIN_RATE_LIMIT, duration: 60 });
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const attempts = loginAttemptsIn(c.req.path);
    if (attempts === 0) return next();
    try {
      await limiter.consume(c.get('clientIp') ?? 'unknown', attempts);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      // Counted per IP and minute like every anonymous denial: a refused caller must not be
      // able to grow the access log by one entry per request.
      const request = {
        requestId: c.get('requestId'),
        clientRequestId: c.get('clientRequestId'),
        ip: c.get('clientIp'),
        userAgent: c.req.header('user-agent') ?? null,
      };
      logNow(deps.db, request, PUBLIC, {
        action: 'auth.login',
        outcome: 'denied',
        purpose: 'security',
        detail: { reason: 'ip_rate_limited' },
      });
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
