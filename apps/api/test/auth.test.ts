import { schema } from '@mg/db';
import { createTestDatabase, seedFixture } from '@mg/db/testing';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_THRESHOLD, lockDuration } from '../src/lib/login';
import { hashPassword } from '../src/lib/password';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, validateSessionToken } from '../src/lib/session';
import { appRouter } from '../src/routers/root';
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
    expect(w.entries().map((e) => [e.action, e.outcome])).toEqual([
      ['auth.login', 'denied'],
      ['auth.login', 'denied'],
    ]);
    expect(JSON.stringify(w.entries())).not.toContain('ingen@test.no');
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
