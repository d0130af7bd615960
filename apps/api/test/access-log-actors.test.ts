// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are read field by field
import { flushAnonymousDenials, schema } from '@mg/db';
import { asc, gt } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildEntry, OPERATOR, PUBLIC, staff } from '../src/lib/access-log';
import { issueUnsubscribeToken } from '../src/lib/unsubscribe';
import { accountsApp } from './account-helpers';
import { cookieFor, publicApp, validLead } from './public-helpers';

/** Where every request in this file comes from: both must be kept for staff only. */
const IP = '203.0.113.7';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) access-log-test';
const from = { 'x-forwarded-for': IP, 'user-agent': UA };

type Handle = ReturnType<typeof publicApp>['handle'];

function entriesAfter(handle: Handle, id: number) {
  return handle.db
    .select()
    .from(schema.accessLog)
    .where(gt(schema.accessLog.id, id))
    .orderBy(asc(schema.accessLog.id))
    .all();
}
function lastId(handle: Handle) {
  return entriesAfter(handle, 0).at(-1)?.id ?? 0;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the entry builder', () => {
  const request = { requestId: 'r1', clientRequestId: 'c1', ip: IP, userAgent: UA };
  const entry = { action: 'x.y', outcome: 'ok' as const };

  it('keeps IP and user agent for staff, and neither for the public or the operator', () => {
    expect(buildEntry(request, staff({ id: 7, role: 'admin' }), entry)).toMatchObject({
      actorUserId: 7,
      actorRole: 'admin',
      ip: IP,
      userAgent: UA,
      requestId: 'r1',
      clientRequestId: 'c1',
    });
    for (const actor of [PUBLIC, OPERATOR])
      expect(buildEntry(request, actor, entry)).toMatchObject({
        actorUserId: null,
        actorRole: null,
        ip: null,
        userAgent: null,
        requestId: 'r1',
      });
  });

  it('does not let a writer put an address back in', () => {
    // The type forbids it; this proves the builder wins even if a cast slipped one through.
    const smuggled = { ...entry, ip: IP, userAgent: UA } as typeof entry;
    expect(buildEntry(request, PUBLIC, smuggled)).toMatchObject({ ip: null, userAgent: null });
  });
});

describe('public actions store no IP and no user agent', () => {
  it('intake and unsubscribe', async () => {
    const t = publicApp({ TRUST_PROXY: 'true' });
    const before = lastId(t.handle);
    const res = await t.app.request('/api/intake/alfa-park', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from },
      body: JSON.stringify(validLead({ marketingEmail: true })),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const token = issueUnsubscribeToken(t.handle.db, id);
    const unsub = await t.app.request(`/unsubscribe/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...from },
      body: 'lang=nb',
    });
    expect(unsub.status).toBe(200);
    const added = entriesAfter(t.handle, before);
    expect(added.map((e) => e.action)).toEqual(['intake.create', 'consent.unsubscribe']);
    for (const e of added) expect(e).toMatchObject({ ip: null, userAgent: null });
    expect(JSON.stringify(added)).not.toContain(IP);
  });

  it('the password flows: forgotten password and the link that sets one', async () => {
    const t = await accountsApp();
    const send = (path: string, input: unknown) =>
      t.app.request(`/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...from },
        body: JSON.stringify(input),
      });
    const before = lastId(t.handle);
    expect((await send('auth.forgotPassword', { email: 'admin@test.no' })).status).toBe(200);
    const { token } = t.lastMailTo('admin@test.no');
    expect(token).not.toBe('');
    const set = await send('auth.setPassword', { token, password: 'et nytt passord 2026' });
    expect(set.status).toBe(200);
    const added = entriesAfter(t.handle, before);
    expect(added.map((e) => e.action)).toEqual(['auth.forgotPassword', 'auth.resetPassword']);
    for (const e of added) expect(e).toMatchObject({ ip: null, userAgent: null });
  });
});

describe('staff actions keep IP and user agent', () => {
  it('a sign-in and a procedure', async () => {
    const t = await accountsApp();
    const before = lastId(t.handle);
    const login = await t.app.request('/trpc/auth.login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...from },
      body: JSON.stringify({ email: 'admin@test.no', password: 'riktig-passord-123' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = await t.app.request(
      `/trpc/lead.list?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`,
      { headers: { cookie, ...from } },
    );
    expect(list.status).toBe(200);
    const added = entriesAfter(t.handle, before);
    expect(added.map((e) => e.action)).toEqual(['auth.login', 'lead.list']);
    for (const e of added)
      expect(e).toMatchObject({ actorUserId: t.f.users.admin, ip: IP, userAgent: UA });
  });
});

describe('the per-IP login limit', () => {
  it('adds one counted entry per IP and minute, not one per refused request', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T11:00:05Z'));
    const t = await accountsApp({ LOGIN_RATE_LIMIT: '2' });
    const attempt = (ip: string) =>
      t.app.request('/trpc/auth.login', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'sec-fetch-site': 'same-origin',
          'x-forwarded-for': ip,
        },
        body: JSON.stringify({ email: 'admin@test.no', password: 'feil-passord-000' }),
      });
    for (let i = 0; i < 2; i++) expect((await attempt(IP)).status).toBe(401);
    const before = lastId(t.handle);
    for (let i = 0; i < 25; i++) expect((await attempt(IP)).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await attempt('198.51.100.9')).status).not.toBe(200);
    // Refused requests append nothing while the minute lasts...
    const during = entriesAfter(t.handle, before).filter((e) => e.ip === IP);
    expect(during).toEqual([]);
    // ...and become one entry per IP, with the count, once it has ended.
    vi.setSystemTime(new Date('2026-12-01T11:01:01Z'));
    t.handle.db.transaction((tx) => flushAnonymousDenials(tx));
    const counted = entriesAfter(t.handle, before).filter((e) => e.action === 'anonymous.denied');
    expect(counted.map((e) => e.ip)).toEqual([IP, '198.51.100.9'].sort());
    const mine = counted.find((e) => e.ip === IP);
    expect(JSON.parse(mine?.detail ?? '{}')).toMatchObject({
      count: 25,
      minute: '2026-12-01T11:00:00.000Z',
      actions: ['auth.login'],
      reasons: ['ip_rate_limited'],
    });
  });
});

describe('procedures and downloads deny through the same authorize', () => {
  it('a missing permission is logged in the same shape at both doors', async () => {
    const t = await accountsApp();
    const cookie = cookieFor(t.handle, t.f.users.auditor);
    const before = lastId(t.handle);
    const procedure = await t.app.request('/trpc/audience.summary', {
      headers: { cookie, ...from },
    });
    expect(procedure.status).toBe(403);
    const download = await t.app.request('/api/exports/audience.csv?purpose=marketing_email', {
      headers: { cookie, 'sec-fetch-site': 'same-origin', ...from },
    });
    expect(download.status).toBe(403);
    expect(((await download.json()) as any).error.domainCode).toBe(
      ((await procedure.json()) as any).error.data.domainCode,
    );
    const added = entriesAfter(t.handle, before);
    expect(added.map((e) => e.action)).toEqual(['audience.summary', 'audience.export']);
    const shape = (e: (typeof added)[number]) => ({
      actorUserId: e.actorUserId,
      actorRole: e.actorRole,
      outcome: e.outcome,
      ip: e.ip,
      userAgent: e.userAgent,
      targetType: e.targetType,
      detail: e.detail,
    });
    const [viaProcedure, viaDownload] = added.map(shape);
    expect(viaProcedure).toEqual({
      actorUserId: t.f.users.auditor,
      actorRole: 'auditor',
      outcome: 'denied',
      ip: IP,
      userAgent: UA,
      targetType: null,
      detail: JSON.stringify({ permission: 'audience:export' }),
    });
    expect(viaDownload).toEqual(viaProcedure);
  });
});
