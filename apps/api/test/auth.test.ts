import { schema } from '@mg/db';
import { createTestDatabase, seedFixture } from '@mg/db/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { LOCKOUT_THRESHOLD, lockDuration, UnknownEmailCounters } from '../src/lib/login';
import { loginAttemptsIn } from '../src/lib/login-rate-limit';
import { hashPassword } from '../src/lib/password';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, validateSessionToken } from '../src/lib/session';
import { appRouter } from '../src/routers/root';
import { createApp } from '../src/server';
import { createCallerFactory } from '../src/trpc';
import { contextFor, outcome } from './helpers';

const PASSWORD = 'riktig-passord-123';
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
});

function world() {
  const handle = createTestDatabase();
  const f = seedFixture(handle, passwordHash);
  const tokens: string[] = [];
  const ctx = contextFor(handle, f, 'anonymous', {
    cookies: { setSession: (t) => tokens.push(t), clearSession: () => {} },
  });
  const api = createCallerFactory(appRouter)(ctx);
  const entries = () =>
    handle.db.select().from(schema.accessLog).orderBy(schema.accessLog.id).all();
  return { handle, f, api, tokens, entries };
}

describe('login', () => {
  it('signs in, stores only the hash of the secret, and logs the login', async () => {
    const w = world();
    await w.api.auth.login({ email: ' ADMIN@test.no ', password: PASSWORD });
    expect(w.tokens).toHaveLength(1);
    const token = w.tokens[0] ?? '';
    const [id, secret] = token.split('.');
    const row = w.handle.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.id, id ?? ''))
      .get();
    expect(row).toBeDefined();
    expect(Buffer.from(row?.secretHash ?? []).toString('utf8')).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(validateSessionToken(w.handle.db, token)?.user.id).toBe(w.f.users.admin);
    expect(validateSessionToken(w.handle.db, `${id}.wrong-secret`)).toBeNull();
    expect(w.entries().at(-1)).toMatchObject({
      action: 'auth.login',
      outcome: 'ok',
      actorUserId: w.f.users.admin,
    });
  });

  it('answers a wrong password and an unknown e-mail with the same generic error', async () => {
    const w = world();
    const wrong = await w.api.auth
      .login({ email: 'admin@test.no', password: 'feil-passord-000' })
      .catch((e) => e);
    const unknown = await w.api.auth
      .login({ email: 'ingen@test.no', password: 'feil-passord-000' })
      .catch((e) => e);
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(unknown.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toBe(unknown.message);
    // The known account's failure is its own entry; the unknown address has no account, so
    // it is an anonymous denial, counted per IP and minute (nobody can grow the log with it).
    expect(w.entries().map((e) => [e.action, e.outcome, e.actorUserId])).toEqual([
      ['auth.login', 'denied', w.f.users.admin],
    ]);
    const counted = w.handle.db.select().from(schema.accessLogDenials).all();
    expect(counted).toMatchObject([{ count: 1, reasons: JSON.stringify(['invalid_credentials']) }]);
    expect(JSON.stringify([w.entries(), counted])).not.toContain('ingen@test.no');
  });

  it('locks the account after repeated failures, with back-off, and logs the lock-out', async () => {
    const w = world();
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++)
      expect(
        await outcome(w.api.auth.login({ email: 'po@test.no', password: 'feil-passord-000' })),
      ).toBe('UNAUTHORIZED');
    expect(
      await outcome(w.api.auth.login({ email: 'po@test.no', password: 'feil-passord-000' })),
    ).toBe('TOO_MANY_REQUESTS');
    expect(w.entries().some((e) => e.action === 'auth.lockout')).toBe(true);
    // Even the right password is refused while locked.
    expect(await outcome(w.api.auth.login({ email: 'po@test.no', password: PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect(w.tokens).toHaveLength(0);
    expect(lockDuration(LOCKOUT_THRESHOLD + 1)).toBe(2 * lockDuration(LOCKOUT_THRESHOLD));
    expect(lockDuration(100)).toBe(60 * 60_000);
  });

  it('locks unknown e-mails the same way, so lock-out reveals nothing', async () => {
    const w = world();
    const results: string[] = [];
    for (let i = 0; i <= LOCKOUT_THRESHOLD; i++)
      results.push(
        await outcome(w.api.auth.login({ email: 'ghost@test.no', password: 'feil-passord-000' })),
      );
    expect(results.at(-1)).toBe('TOO_MANY_REQUESTS');
    expect(results.slice(0, LOCKOUT_THRESHOLD - 1)).toEqual(
      Array.from({ length: LOCKOUT_THRESHOLD - 1 }, () => 'UNAUTHORIZED'),
    );
  });
});

describe('sessions', () => {
  it('expire after 30 minutes idle and after 12 hours in all', async () => {
    const w = world();
    await w.api.auth.login({ email: 'admin@test.no', password: PASSWORD });
    const token = w.tokens[0] ?? '';
    const start = Date.now();
    expect(validateSessionToken(w.handle.db, token, start + SESSION_IDLE_MS - 1000)).not.toBeNull();
    // Activity keeps it alive, in steps shorter than the idle limit, until the absolute limit.
    let t = start;
    while (t + SESSION_IDLE_MS / 2 < start + SESSION_ABSOLUTE_MS) {
      t += SESSION_IDLE_MS / 2;
      expect(validateSessionToken(w.handle.db, token, t)).not.toBeNull();
    }
    expect(validateSessionToken(w.handle.db, token, start + SESSION_ABSOLUTE_MS + 1)).toBeNull();
  });

  it('an idle session is gone for good', async () => {
    const w = world();
    await w.api.auth.login({ email: 'admin@test.no', password: PASSWORD });
    const token = w.tokens[0] ?? '';
    expect(validateSessionToken(w.handle.db, token, Date.now() + SESSION_IDLE_MS + 1)).toBeNull();
    expect(validateSessionToken(w.handle.db, token)).toBeNull();
  });

  it('a deactivated user loses their sessions', async () => {
    const w = world();
    await w.api.auth.login({ email: 'admin@test.no', password: PASSWORD });
    w.handle.db
      .update(schema.users)
      .set({ active: false })
      .where(eq(schema.users.id, w.f.users.admin))
      .run();
    expect(validateSessionToken(w.handle.db, w.tokens[0] ?? '')).toBeNull();
  });

  it('users see and end their own sessions, and logout ends the current one', async () => {
    const w = world();
    await w.api.auth.login({ email: 'admin@test.no', password: PASSWORD });
    await w.api.auth.login({ email: 'admin@test.no', password: PASSWORD });
    const [first, second] = w.tokens;
    const session = validateSessionToken(w.handle.db, second ?? '');
    if (!session) throw new Error('no session');
    const ctx = contextFor(w.handle, w.f, 'admin', {
      session: { sessionId: session.sessionId, user: session.user },
    });
    const api = createCallerFactory(appRouter)(ctx);
    const list = await api.auth.sessions();
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const other = list.find((s) => !s.current);
    await api.auth.revokeSession({ id: other?.id ?? '' });
    expect(validateSessionToken(w.handle.db, first ?? '')).toBeNull();
    // Someone else's session id is not found.
    expect(await outcome(api.auth.revokeSession({ id: 'not-mine' }))).toBe('NOT_FOUND');
    await api.auth.logout();
    expect(validateSessionToken(w.handle.db, second ?? '')).toBeNull();
    expect(w.entries().at(-1)).toMatchObject({ action: 'auth.logout', outcome: 'ok' });
  });
});

describe('lock-out that holds', () => {
  const WRONG = 'feil-passord-000';
  const userRow = (w: ReturnType<typeof world>, id: number) =>
    w.handle.db
      .select({ failedLogins: schema.users.failedLogins, lockedUntil: schema.users.lockedUntil })
      .from(schema.users)
      .where(eq(schema.users.id, id))
      .get();

  /** The real Hono app over the world's database: tRPC batching as a browser does it. */
  function http(w: ReturnType<typeof world>, env: Record<string, string> = {}) {
    const app = createApp({
      db: w.handle.db,
      env: loadEnv({ NODE_ENV: 'test', LOGIN_RATE_LIMIT: '10000', ...env }),
      log: pino({ level: 'silent' }),
    });
    /** One HTTP request carrying `attempts.length` auth.login calls. */
    return (attempts: { email: string; password: string }[]) => {
      const body = Object.fromEntries(attempts.map((a, i) => [String(i), a]));
      const path = attempts.map(() => 'auth.login').join(',');
      return app.request(`/trpc/${path}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify(body),
      });
    };
  }

  it('counts every attempt of a batch: 30 batched wrong passwords lock the account', async () => {
    const w = world();
    const send = http(w);
    // Batches of 10 (the largest batch tRPC takes); each attempt in each one counts.
    for (let i = 0; i < 3; i++)
      await send(Array.from({ length: 10 }, () => ({ email: 'po@test.no', password: WRONG })));
    const row = userRow(w, w.f.users.privacy_officer);
    expect(row?.failedLogins).toBe(30);
    expect(row?.lockedUntil ?? 0).toBeGreaterThan(Date.now());
    const right = await send([{ email: 'po@test.no', password: PASSWORD }]);
    expect(right.status).toBe(429);
    expect(w.tokens).toHaveLength(0);
  });

  it('counts 20 parallel wrong passwords as 20 failures and locks the account', async () => {
    const w = world();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        outcome(w.api.auth.login({ email: 'auditor@test.no', password: WRONG })),
      ),
    );
    expect(results).toHaveLength(20);
    expect(new Set(results)).toEqual(new Set(['UNAUTHORIZED', 'TOO_MANY_REQUESTS']));
    const row = userRow(w, w.f.users.auditor);
    expect(row?.failedLogins).toBe(20);
    // 20 failures: the lock has doubled up to its one-hour cap.
    expect((row?.lockedUntil ?? 0) - Date.now()).toBeGreaterThan(lockDuration(20) - 60_000);
    const failures = w.entries().filter((e) => e.action === 'auth.login' && e.outcome === 'denied');
    expect(failures).toHaveLength(20);
    expect(await outcome(w.api.auth.login({ email: 'auditor@test.no', password: PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('answers unknown, existing and locked accounts alike: status, body and timing class', async () => {
    const w = world();
    const send = http(w);
    const lockedUnknown = `locked-ghost-${Date.now()}@test.no`;
    const unknown = `ghost-${Date.now()}@test.no`;
    // Both locked ones reach the lock the same way first.
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      await send([{ email: 'auditor@test.no', password: WRONG }]);
      await send([{ email: lockedUnknown, password: WRONG }]);
    }
    const classes = {
      unknown: { email: unknown, answers: [] as string[], ms: 0 },
      existing: { email: 'admin@test.no', answers: [] as string[], ms: 0 },
      locked: { email: 'auditor@test.no', answers: [] as string[], ms: 0 },
      lockedUnknown: { email: lockedUnknown, answers: [] as string[], ms: 0 },
    };
    // Round-robin, so a burst of load elsewhere on the machine hits every class alike.
    for (let i = 0; i < 20; i++)
      for (const c of Object.values(classes)) {
        const started = performance.now();
        const res = await send([{ email: c.email, password: WRONG }]);
        const [body] = (await res.json()) as [{ error: { data: Record<string, unknown> } }];
        c.ms += (performance.now() - started) / 20;
        // The request id is per request by design; everything else must match.
        body.error.data.requestId = null;
        c.answers.push(`${res.status} ${JSON.stringify(body)}`);
      }
    expect(classes.unknown.answers).toEqual(classes.existing.answers);
    expect(classes.locked.answers).toEqual(classes.lockedUnknown.answers);
    expect(classes.existing.answers.slice(LOCKOUT_THRESHOLD)).toEqual(
      classes.locked.answers.slice(LOCKOUT_THRESHOLD),
    );
    expect(classes.unknown.answers[0]).toMatch(/^401 /);
    expect(classes.locked.answers[0]).toMatch(/^429 /);
    // Every class hashes the password: a locked account no longer answers in a fraction of
    // the time. Averages over 20 requests, with a factor generous enough for a loaded machine.
    const times = Object.values(classes).map((c) => c.ms);
    expect(Math.max(...times) / Math.min(...times)).toBeLessThan(2.5);
  });

  it('the per-IP limit counts each attempt of a batch, not each HTTP request', async () => {
    const w = world();
    const send = http(w, { LOGIN_RATE_LIMIT: '20' });
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `spray-${i}@test.no`, password: WRONG }));
    expect((await send(batch(10))).status).not.toBe(429);
    expect((await send(batch(10))).status).not.toBe(429);
    // 20 attempts used: the next batch is refused before any password is hashed.
    const before = w.entries().length;
    const refused = await send(batch(10));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // Refused attempts are counted as anonymous denials (one entry per IP and minute later).
    expect(w.entries().slice(before)).toEqual([]);
    const counted = w.handle.db.select().from(schema.accessLogDenials).all();
    expect(counted.flatMap((d) => JSON.parse(d.reasons))).toContain('ip_rate_limited');
  });

  it('counts login attempts in a batch path, however it is encoded', () => {
    expect(loginAttemptsIn('/trpc/auth.login')).toBe(1);
    expect(loginAttemptsIn('/trpc/auth.me,auth.login,auth.login')).toBe(2);
    expect(loginAttemptsIn('/trpc/auth.login%2Cauth%2Elogin')).toBe(2);
    expect(loginAttemptsIn('/trpc/auth.me')).toBe(0);
  });

  it('keeps failure counters for unknown e-mails bounded', () => {
    const counters = new UnknownEmailCounters(3);
    for (const e of ['a', 'b', 'c', 'd']) counters.recordFailure(e, 0);
    expect(counters.size).toBe(3);
    for (let i = 1; i < LOCKOUT_THRESHOLD; i++) counters.recordFailure('x', 0);
    expect(counters.recordFailure('x', 0)).toEqual({
      failedLogins: LOCKOUT_THRESHOLD,
      lockedUntil: lockDuration(LOCKOUT_THRESHOLD),
    });
  });
});
