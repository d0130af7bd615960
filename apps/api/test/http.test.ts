// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { createTestDatabase, seedFixture } from '@mg/db/testing';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { hashPassword } from '../src/lib/password';
import { createApp } from '../src/server';

const PASSWORD = 'riktig-passord-123';
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  const handle = createTestDatabase();
  seedFixture(handle, await hashPassword(PASSWORD));
  app = createApp({
    db: handle.db,
    env: loadEnv({ NODE_ENV: 'test' }),
    log: pino({ level: 'silent' }),
  });
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...headers },
  body: JSON.stringify(body),
});

async function login() {
  const res = await app.request(
    '/trpc/auth.login',
    json({ email: 'admin@test.no', password: PASSWORD }),
  );
  const cookie = res.headers.get('set-cookie') ?? '';
  return { res, cookie: cookie.split(';')[0] ?? '' };
}

describe('HTTP surface', () => {
  it('answers /healthz', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('sends a strict CSP and the usual security headers', async () => {
    const res = await app.request('/healthz');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('sets an HttpOnly SameSite=Lax session cookie and uses it', async () => {
    const { res, cookie } = await login();
    expect(res.status).toBe(200);
    const header = res.headers.get('set-cookie') ?? '';
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    const me = await app.request('/trpc/auth.me', { headers: { cookie } });
    expect(((await me.json()) as any).result.data.user.email).toBe('admin@test.no');
  });

  it('refuses cross-site mutations', async () => {
    const { cookie } = await login();
    const crossSite = await app.request(
      '/trpc/auth.logout',
      json({}, { cookie, 'sec-fetch-site': 'cross-site' }),
    );
    expect(crossSite.status).toBe(403);
    const badOrigin = await app.request('/trpc/auth.logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', cookie },
      body: '{}',
    });
    expect(badOrigin.status).toBe(403);
    const form = await app.request('/trpc/auth.logout', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        cookie,
      },
      body: 'a=1',
    });
    expect(form.status).toBe(403);
    // A form post that hides where it comes from (no Origin, no Sec-Fetch-Site) is refused too.
    const hiddenForm = await app.request('/trpc/auth.logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'a=1',
    });
    expect(hiddenForm.status).toBe(403);
    // The session survived all four.
    const me = await app.request('/trpc/auth.me', { headers: { cookie } });
    expect(((await me.json()) as any).result.data).not.toBeNull();
  });

  it('caps request bodies', async () => {
    const res = await app.request(
      '/trpc/auth.login',
      json({ email: 'x', password: 'y'.repeat(300 * 1024) }),
    );
    expect(res.status).toBe(413);
  });

  it('answers bad input with field keys and no internals', async () => {
    const { cookie } = await login();
    const res = await app.request(
      '/trpc/subsidiary.create',
      json({ name: '', orgNumber: '1', contactEmail: 'x' }, { cookie }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.data.fieldErrors.orgNumber[0].key).toBe('invalidOrgNumber');
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts|node_modules/);
  });

  it('gives the generic login error over HTTP', async () => {
    const res = await app.request(
      '/trpc/auth.login',
      json({ email: 'admin@test.no', password: 'feil-passord-000' }),
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.data.domainCode).toBe('invalidCredentials');
  });

  it('caps login attempts per IP with 429 and Retry-After, and logs them', async () => {
    const handle = createTestDatabase();
    seedFixture(handle, await hashPassword(PASSWORD));
    const limited = createApp({
      db: handle.db,
      env: loadEnv({ NODE_ENV: 'test', LOGIN_RATE_LIMIT: '3' }),
      log: pino({ level: 'silent' }),
    });
    const attempt = () =>
      limited.request(
        '/trpc/auth.login',
        json({ email: 'admin@test.no', password: 'feil-passord-000' }),
      );
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const res = await attempt();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Counted per IP and minute, like every anonymous denial: not an entry per refusal.
    const counted = handle.sqlite
      .prepare('select count, actions, reasons from access_log_denials')
      .all();
    expect(counted).toEqual([
      {
        count: 1,
        actions: JSON.stringify(['auth.login']),
        reasons: JSON.stringify(['ip_rate_limited']),
      },
    ]);
  });
});
