import { schema } from '@mg/db';
import { makeUser } from '@mg/db/testing';
import { RESET_VALID_MS } from '@mg/shared';
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accountsApp } from './account-helpers';

afterEach(() => {
  vi.useRealTimers();
});

const mails = (t: Awaited<ReturnType<typeof accountsApp>>, to: string) =>
  t.handle.db
    .select({ n: count() })
    .from(schema.outbox)
    .where(eq(schema.outbox.toAddress, to))
    .get()?.n ?? 0;

describe('forgotten password', () => {
  it('answers known and unknown addresses alike: status, body and timing class', async () => {
    const t = await accountsApp();
    for (let i = 0; i < 20; i++)
      makeUser(t.handle.db, { email: `kjent-${i}@test.no`, role: 'auditor', passwordHash: 'x' });
    const ask = async (email: string, i: number) => {
      const started = performance.now();
      // A new IP each time: this compares the answers, not the per-IP limit.
      const r = await t.mutate('auth.forgotPassword', { email }, '', `10.1.${i >> 8}.${i & 255}`);
      return { ms: performance.now() - started, status: r.status, body: r.text };
    };
    // Warm-up (module loading, prepared statements) before measuring.
    await ask('a@test.no', 900);
    await ask('ukjent@test.no', 901);
    const known: Awaited<ReturnType<typeof ask>>[] = [];
    const unknown: Awaited<ReturnType<typeof ask>>[] = [];
    for (let i = 0; i < 20; i++) {
      // Interleaved, so a slow moment of a loaded machine hits both alike.
      known.push(await ask(`kjent-${i}@test.no`, i));
      unknown.push(await ask(`ukjent-${i}@test.no`, 100 + i));
    }
    const shapes = new Set([...known, ...unknown].map((r) => `${r.status} ${r.body}`));
    expect(shapes).toEqual(new Set(['200 {"result":{"data":{"ok":true}}}']));
    const avg = (rs: { ms: number }[]) => rs.reduce((s, r) => s + r.ms, 0) / rs.length;
    const [k, u] = [avg(known), avg(unknown)];
    // Same class: neither path does slow work (no hashing either way); a generous factor and
    // an absolute slack keep this steady on a loaded 2-core machine.
    expect(Math.max(k, u)).toBeLessThan(Math.min(k, u) * 3 + 5);
    // Each known address got its link; no unknown one got anything.
    expect(mails(t, 'kjent-7@test.no')).toBe(1);
    expect(t.handle.db.select({ n: count() }).from(schema.outbox).get()?.n).toBe(21);
  });

  it('is limited per address: three mails an hour, then the same answer and no mail', async () => {
    const t = await accountsApp();
    const texts = new Set<string>();
    for (let i = 0; i < 5; i++)
      texts.add(
        (await t.mutate('auth.forgotPassword', { email: 'b@test.no' }, '', `10.2.0.${i}`)).text,
      );
    expect(texts).toEqual(new Set(['{"result":{"data":{"ok":true}}}']));
    expect(mails(t, 'b@test.no')).toBe(3);
  });

  it('mails a single-use link valid for one hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.parse('2026-03-02T09:00:00+01:00');
    vi.setSystemTime(start);
    const t = await accountsApp();
    const session = (await t.login('a@test.no')).cookie;
    expect((await t.mutate('auth.forgotPassword', { email: ' A@Test.no ' })).status).toBe(200);
    const first = t.lastMailTo('a@test.no').token;
    expect(first).not.toBe('');
    vi.setSystemTime(start + RESET_VALID_MS - 1000);
    expect(
      (await t.mutate('auth.setPassword', { token: first, password: 'glemt og funnet 2026' }))
        .status,
    ).toBe(200);
    expect(
      (await t.mutate('auth.setPassword', { token: first, password: 'glemt og funnet 2027' }))
        .status,
    ).toBe(400);
    // Resetting ends the sessions that were open.
    expect((await t.query('auth.sessions', undefined, session)).status).toBe(401);

    await t.mutate('auth.forgotPassword', { email: 'a@test.no' });
    const second = t.lastMailTo('a@test.no').token;
    vi.setSystemTime(Date.now() + RESET_VALID_MS + 1);
    expect(
      (await t.mutate('auth.setPassword', { token: second, password: 'glemt og funnet 2028' }))
        .status,
    ).toBe(400);
  });

  it('is limited per IP', async () => {
    const t = await accountsApp();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await t.mutate('auth.forgotPassword', { email: `x${i}@test.no` }, '', '10.9.9.9')).status,
      );
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('sends nothing to a deactivated user, with the same answer', async () => {
    const t = await accountsApp();
    t.handle.db
      .update(schema.users)
      .set({ active: false })
      .where(eq(schema.users.id, t.f.users.userA))
      .run();
    const r = await t.mutate('auth.forgotPassword', { email: 'a@test.no' });
    expect(r.text).toBe('{"result":{"data":{"ok":true}}}');
    expect(mails(t, 'a@test.no')).toBe(0);
  });
});
