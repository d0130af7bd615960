// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { schema } from '@mg/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  createUnsubscribeToken,
  hashUnsubscribeToken,
  issueUnsubscribeToken,
  listUnsubscribeHeaders,
} from '../src/lib/unsubscribe';
import { lastAccessLogEntry } from './helpers';
import { postJson, publicApp, validLead } from './public-helpers';

/** A lead with both consents, through the real intake, and a token for its link. */
async function consentedLead() {
  const t = publicApp();
  const res = await postJson(
    t.app,
    'alfa-park',
    validLead({ marketingEmail: true, marketingSms: true }),
  );
  const { id } = (await res.json()) as { id: number };
  // Intake keeps only the hash of the token it made; a mailing issues the link it sends.
  const token = issueUnsubscribeToken(t.handle.db, id);
  return { ...t, leadId: id, token };
}

function state(t: Awaited<ReturnType<typeof consentedLead>>) {
  const { db } = t.handle;
  return {
    lead: db
      .select({ consentEmail: schema.leads.consentEmail, consentSms: schema.leads.consentSms })
      .from(schema.leads)
      .where(eq(schema.leads.id, t.leadId))
      .get(),
    events: db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.leadId, t.leadId))
      .orderBy(schema.consentEvents.id)
      .all(),
    suppressions: db.select().from(schema.suppressions).all(),
    log: db.select().from(schema.accessLog).all().length,
  };
}

const post = (
  t: { app: ReturnType<typeof publicApp>['app'] },
  token: string,
  body = 'lang=nb',
  type = 'application/x-www-form-urlencoded',
) =>
  t.app.request(`/unsubscribe/${token}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });

describe('unsubscribe tokens', () => {
  it('are unguessable and only their hash is stored', async () => {
    const a = createUnsubscribeToken();
    const b = createUnsubscribeToken();
    expect(a.token).toMatch(/^[a-z2-7]{32}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashUnsubscribeToken(a.token));
    // Drawn from a pool (128 a draw): across several draws every token is new and whole.
    const many = Array.from({ length: 400 }, () => createUnsubscribeToken());
    expect(new Set(many.map((m) => m.token)).size).toBe(many.length);
    for (const m of many) expect(m.token).toMatch(/^[a-z2-7]{32}$/);
    expect(new Set(many.map((m) => m.hash)).size).toBe(many.length);
    const t = await consentedLead();
    const row = t.handle.db
      .select({ hash: schema.leads.unsubscribeTokenHash })
      .from(schema.leads)
      .where(eq(schema.leads.id, t.leadId))
      .get();
    expect(row?.hash).toBe(hashUnsubscribeToken(t.token));
    expect(JSON.stringify(t.handle.db.select().from(schema.leads).all())).not.toContain(t.token);
  });

  it('listUnsubscribeHeaders gives RFC 2369 + RFC 8058 headers', () => {
    expect(listUnsubscribeHeaders('https://leads.example.no/', 'abc')).toEqual({
      'List-Unsubscribe': '<https://leads.example.no/unsubscribe/abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('GET /unsubscribe/:token', () => {
  it('shows a confirmation page with a POST button and changes nothing', async () => {
    const t = await consentedLead();
    const before = state(t);
    const res = await t.app.request(`/unsubscribe/${t.token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="/unsubscribe/${t.token}">`);
    expect(html).toContain('<button type="submit">Meld meg av</button>');
    expect(html).toContain('Alfa Park');
    expect(html).not.toMatch(/kari|91234567/i);
    expect(html).not.toContain('<script');
    expect(state(t)).toEqual(before);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const en = await t.app.request(`/unsubscribe/${t.token}?lang=en`);
    expect(await en.text()).toContain('<button type="submit">Unsubscribe</button>');
  });

  it('tells an already-unsubscribed person so, with no button, and changes nothing', async () => {
    const t = await consentedLead();
    await post(t, t.token);
    const before = state(t);
    for (const [query, heading, button] of [
      ['', 'Du er allerede meldt av', 'Meld meg av'],
      ['?lang=en', 'You are already unsubscribed', 'Unsubscribe'],
    ] as const) {
      const res = await t.app.request(`/unsubscribe/${t.token}${query}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<h1>${heading}</h1>`);
      expect(html).toContain('Alfa Park');
      expect(html).not.toContain('<form');
      expect(html).not.toContain('<button');
      expect(html).not.toContain(button);
    }
    expect(state(t)).toEqual(before);
    // A POST after that (a mail client's one-click, a stale tab) still answers and withdraws
    // nothing more.
    const again = await post(t, t.token);
    expect(again.status).toBe(200);
    expect(state(t).events).toEqual(before.events);
  });

  it('counts a withdrawal made elsewhere (staff, another lead of the person) as unsubscribed', async () => {
    const t = await consentedLead();
    // The same person's second lead: withdrawing there reaches this lead too.
    const other = await postJson(
      t.app,
      'alfa-park',
      validLead({ marketingEmail: true, marketingSms: true, phone: '912 34 567' }),
    );
    const { id: otherId } = (await other.json()) as { id: number };
    await post(t, issueUnsubscribeToken(t.handle.db, otherId));
    const html = await (await t.app.request(`/unsubscribe/${t.token}`)).text();
    expect(html).toContain('Du er allerede meldt av');
    expect(html).not.toContain('<button');
  });

  it('answers an unknown or malformed token with a bare 404 page', async () => {
    const t = await consentedLead();
    for (const token of [createUnsubscribeToken().token, 'x', `${t.token}a`, '%00']) {
      const res = await t.app.request(`/unsubscribe/${token}`);
      expect(res.status, token).toBe(404);
    }
  });
});

describe('POST /unsubscribe/:token', () => {
  it('withdraws every granted purpose, suppresses the e-mail and logs it', async () => {
    const t = await consentedLead();
    const before = state(t);
    const res = await post(t, t.token);
    expect(res.status).toBe(200);
    const answer = await res.text();
    expect(answer).toContain('Du er meldt av');
    expect(answer).toContain('<p role="status">Du får ikke flere nyheter');
    const after = state(t);
    expect(after.lead).toEqual({ consentEmail: false, consentSms: false });
    // History is appended to, never rewritten.
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    expect(after.events.slice(before.events.length)).toEqual([
      expect.objectContaining({
        purpose: 'marketing_email',
        granted: false,
        source: 'unsubscribe_link',
        actorUserId: null,
      }),
      expect.objectContaining({ purpose: 'marketing_sms', granted: false }),
    ]);
    expect(after.suppressions.map((s) => s.purpose).sort()).toEqual([
      'marketing_email',
      'marketing_sms',
    ]);
    expect(JSON.stringify(after.suppressions)).not.toMatch(/kari|example/i);
    const entry = lastAccessLogEntry(t.handle);
    expect(entry).toMatchObject({
      action: 'consent.unsubscribe',
      purpose: 'marketing',
      targetType: 'lead',
      targetIds: JSON.stringify([t.leadId]),
      actorUserId: null,
      outcome: 'ok',
    });
  });

  it('is idempotent, and each attempt is logged', async () => {
    const t = await consentedLead();
    await post(t, t.token);
    const once = state(t);
    const res = await post(t, t.token);
    expect(res.status).toBe(200);
    const twice = state(t);
    expect(twice.events).toEqual(once.events);
    expect(twice.suppressions).toEqual(once.suppressions);
    expect(twice.log).toBe(once.log + 1);
  });

  it('accepts the RFC 8058 one-click body', async () => {
    const t = await consentedLead();
    const res = await post(t, t.token, 'List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(state(t).lead).toEqual({ consentEmail: false, consentSms: false });
  });

  it('also works with no body or an odd content type', async () => {
    const t = await consentedLead();
    const res = await t.app.request(`/unsubscribe/${t.token}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(state(t).lead).toEqual({ consentEmail: false, consentSms: false });
  });

  it('answers an unknown token with 404 and changes nothing', async () => {
    const t = await consentedLead();
    const before = state(t);
    expect((await post(t, createUnsubscribeToken().token)).status).toBe(404);
    expect(state(t)).toEqual(before);
  });

  it('a re-issued token replaces the old link', async () => {
    const t = await consentedLead();
    const fresh = issueUnsubscribeToken(t.handle.db, t.leadId);
    expect((await t.app.request(`/unsubscribe/${t.token}`)).status).toBe(404);
    expect((await post(t, fresh)).status).toBe(200);
  });
});
