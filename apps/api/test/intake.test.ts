// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { insertPolicyVersion, recordSuppression, schema } from '@mg/db';
import { desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lastAccessLogEntry } from './helpers';
import { counts, postForm, postJson, publicApp, validLead, WEBSITE } from './public-helpers';

const lastLead = (t: ReturnType<typeof publicApp>) =>
  t.handle.db.select().from(schema.leads).orderBy(desc(schema.leads.id)).limit(1).get();

describe('POST /api/intake/:slug — 201', () => {
  it('stores the lead, its disclosure, consent, token hash, notification and log entry', async () => {
    const t = publicApp();
    const before = t.counts();
    const res = await postJson(t.app, 'alfa-park', validLead({ marketingEmail: true }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body).toEqual({
      id: expect.any(Number),
      consent: { marketing_email: true, marketing_sms: false },
    });
    const after = t.counts();
    expect(after.leads - before.leads).toBe(1);
    expect(after.disclosures - before.disclosures).toBe(1);
    expect(after.consent - before.consent).toBe(1);
    // The subsidiary's notification and the consumer's consent receipt.
    expect(after.outbox - before.outbox).toBe(2);
    expect(after.log - before.log).toBe(1);

    const lead = lastLead(t);
    expect(lead).toMatchObject({
      id: body.id,
      projectId: t.f.projectA,
      subsidiaryId: t.f.subA,
      name: 'Kari Nordmann',
      email: 'kari.nordmann@example.no',
      phone: '+4791234567',
      source: 'website_form',
      policyVersionId: t.f.policyId,
      consentEmail: true,
      consentSms: false,
    });
    expect(lead?.unsubscribeTokenHash).toMatch(/^[0-9a-f]{64}$/);
    const disclosure = t.handle.db
      .select()
      .from(schema.disclosures)
      .where(eq(schema.disclosures.leadId, body.id))
      .get();
    expect(disclosure).toMatchObject({ subsidiaryId: t.f.subA, kind: 'intake' });
    const events = t.handle.db
      .select()
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.leadId, body.id))
      .all();
    expect(events).toEqual([
      expect.objectContaining({
        purpose: 'marketing_email',
        granted: true,
        source: 'form',
        policyVersionId: t.f.policyId,
        actorUserId: null,
      }),
    ]);
    const entry = lastAccessLogEntry(t.handle);
    expect(entry).toMatchObject({
      action: 'intake.create',
      purpose: 'intake',
      targetType: 'lead',
      targetIds: JSON.stringify([body.id]),
      outcome: 'ok',
      actorUserId: null,
    });
    expect(JSON.stringify(entry)).not.toMatch(/kari|91234567/i);
    // The outbox worker is nudged right after the commit.
    expect(t.kicks.n).toBe(1);
  });

  it('grants nothing unless ticked, and then keeps no unsubscribe token', async () => {
    const t = publicApp();
    const res = await postJson(t.app, 'alfa-park', validLead({ message: '' }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body.consent).toEqual({ marketing_email: false, marketing_sms: false });
    const lead = lastLead(t);
    expect(lead).toMatchObject({
      consentEmail: false,
      consentSms: false,
      unsubscribeTokenHash: null,
      message: null,
    });
    expect(
      t.handle.db
        .select()
        .from(schema.consentEvents)
        .where(eq(schema.consentEvents.leadId, body.id))
        .all(),
    ).toEqual([]);
  });

  it('accepts foreign numbers and records the policy label the consumer saw', async () => {
    const t = publicApp();
    const { id: older } = insertPolicyVersion(
      t.handle.db,
      { label: '2023-01-01', effectiveDate: '2023-01-01', body: 'Eldre' },
      null,
    );
    const res = await postJson(
      t.app,
      'alfa-park',
      validLead({ phone: '+46 70 123 45 67', policyVersion: '2023-01-01' }),
    );
    expect(res.status).toBe(201);
    expect(lastLead(t)).toMatchObject({ phone: '+46701234567', policyVersionId: older });
  });
});

describe('400 names each bad field', () => {
  it.each([
    ['name', 'empty', 'required', { name: '' }],
    ['name', 'missing', 'required', { name: undefined }],
    ['name', '121 characters', 'tooLong', { name: 'x'.repeat(121) }],
    ['email', 'no domain', 'invalidEmail', { email: 'kari' }],
    ['email', 'missing', 'required', { email: undefined }],
    ['phone', 'too short', 'invalidPhone', { phone: '123' }],
    ['phone', 'empty', 'required', { phone: '' }],
    ['message', '2001 characters', 'tooLong', { message: 'x'.repeat(2001) }],
    ['marketingEmail', 'not a checkbox value', 'invalid', { marketingEmail: 'kanskje' }],
    ['policyVersion', 'unknown label', 'invalid', { policyVersion: 'no-such-version' }],
    ['idempotencyKey', '101 characters', 'tooLong', { idempotencyKey: 'k'.repeat(101) }],
  ])('%s (%s) -> %s', async (field, _what, key, over) => {
    const t = publicApp();
    const before = t.counts();
    const res = await postJson(t.app, 'alfa-park', validLead(over));
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(Object.keys(body.error.fieldErrors)).toEqual([field]);
    expect(body.error.fieldErrors[field][0].key).toBe(key);
    expect(t.counts()).toEqual(before);
  });

  it('names every bad field at once', async () => {
    const t = publicApp();
    const res = await postJson(t.app, 'alfa-park', {
      name: '',
      email: 'x',
      phone: 'y',
      policyVersion: 'nope',
    });
    expect(res.status).toBe(400);
    const { fieldErrors } = ((await res.json()) as any).error;
    expect(Object.keys(fieldErrors).sort()).toEqual(['email', 'name', 'phone', 'policyVersion']);
  });

  it('never answers junk with a 5xx', async () => {
    const t = publicApp();
    const before = t.counts();
    const bodies: unknown[] = [
      '{not json',
      'null',
      '[]',
      '"text"',
      42,
      { name: 5, email: ['a@b.no'], phone: { n: 1 }, marketingEmail: 7 },
      { name: 'A', email: 'a@b.no', phone: '91234567', policyVersion: 12 },
      { name: '\u0000'.repeat(10), email: 'a@b.no', phone: '91234567' },
      { name: 'A', email: 'a@b.no', phone: '91234567', message: 'x\u0007y' },
    ];
    for (const body of bodies) {
      const res = await postJson(t.app, 'alfa-park', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const text = await t.app.request('/api/intake/alfa-park', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(text.status).toBe(415);
    expect(t.counts()).toEqual(before);
  });
});

describe('404 for unknown or inactive projects, nothing stored', () => {
  it('unknown slug', async () => {
    const t = publicApp();
    const before = t.counts();
    const res = await postJson(t.app, 'finnes-ikke', validLead());
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.domainCode).toBe('notFound');
    expect(t.counts()).toEqual(before);
  });

  it('a project that is sold out, or whose subsidiary is inactive', async () => {
    const t = publicApp();
    const before = t.counts();
    t.handle.db
      .update(schema.projects)
      .set({ status: 'sold_out' })
      .where(eq(schema.projects.id, t.f.projectA))
      .run();
    const closed = await postJson(t.app, 'alfa-park', validLead());
    expect(closed.status).toBe(404);
    expect(((await closed.json()) as any).error.domainCode).toBe('projectClosed');
    t.handle.db
      .update(schema.subsidiaries)
      .set({ active: false })
      .where(eq(schema.subsidiaries.id, t.f.subB))
      .run();
    const inactive = await postJson(t.app, 'beta-brygge', validLead());
    expect(inactive.status).toBe(404);
    expect(((await inactive.json()) as any).error.domainCode).toBe('projectClosed');
    expect(t.counts()).toEqual(before);
  });
});

describe('413, 429', () => {
  it('refuses a body over 16 KiB, JSON or form', async () => {
    const t = publicApp();
    const before = t.counts();
    const big = validLead({ message: 'x'.repeat(17 * 1024) });
    const json = await postJson(t.app, 'alfa-park', big);
    expect(json.status).toBe(413);
    expect(((await json.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
    const form = await postForm(t.app, 'alfa-park', big as Record<string, string>);
    expect(form.status).toBe(413);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(t.counts()).toEqual(before);
  });

  it('limits each IP per minute, with Retry-After', async () => {
    const t = publicApp({ INTAKE_RATE_LIMIT: '3', TRUST_PROXY: 'true' });
    const from = (ip: string, i: number) =>
      postJson(t.app, 'alfa-park', validLead({ email: `p${i}@example.no` }), {
        'x-forwarded-for': ip,
      });
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7', i)).status).toBe(201);
    const before = t.counts();
    const limited = await from('203.0.113.7', 9);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as any).error.domainCode).toBe('rateLimited');
    expect(t.counts()).toEqual(before);
    // Someone else is not affected.
    expect((await from('198.51.100.1', 10)).status).toBe(201);
  });
});

describe('honeypot', () => {
  it('answers a filled honeypot like a success and stores nothing', async () => {
    const t = publicApp();
    const before = t.counts();
    const res = await postJson(t.app, 'alfa-park', validLead({ website: 'https://spam.example' }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body).toEqual({
      id: expect.any(Number),
      consent: { marketing_email: false, marketing_sms: false },
    });
    // Even when the rest is garbage: the bot learns nothing about validation.
    const junk = await postJson(t.app, 'alfa-park', { website: 'x', email: 'nope' });
    expect(junk.status).toBe(201);
    const form = await postForm(t.app, 'alfa-park', {
      ...(validLead() as Record<string, string>),
      website: 'x',
      hosted: '1',
    });
    expect(form.status).toBe(303);
    expect(t.counts()).toEqual(before);
    expect(t.kicks.n).toBe(0);
  });
});

describe('idempotency', () => {
  it('a repeated Idempotency-Key returns the first result and stores nothing new', async () => {
    const t = publicApp();
    const headers = { 'idempotency-key': 'form-render-42' };
    const first = await postJson(t.app, 'alfa-park', validLead({ marketingSms: true }), headers);
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const before = t.counts();
    const again = await postJson(t.app, 'alfa-park', validLead({ marketingSms: true }), headers);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(firstBody);
    expect(t.counts()).toEqual(before);
    // The same key on another project's form is another submission.
    const other = await postJson(t.app, 'beta-brygge', validLead(), headers);
    expect(other.status).toBe(201);
    expect(((await other.json()) as any).id).not.toBe((firstBody as any).id);
  });

  it('takes the key from a form field too', async () => {
    const t = publicApp();
    const fields = { ...(validLead() as Record<string, string>), idempotencyKey: 'abc-123' };
    expect((await postForm(t.app, 'alfa-park', fields)).status).toBe(303);
    const before = t.counts();
    expect((await postForm(t.app, 'alfa-park', fields)).status).toBe(303);
    expect(t.counts()).toEqual(before);
  });
});

describe('CORS', () => {
  it('allows the configured website origin, and only it', async () => {
    const t = publicApp();
    const preflight = (origin: string) =>
      t.app.request('/api/intake/alfa-park', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,idempotency-key',
        },
      });
    const ok = await preflight(WEBSITE);
    expect(ok.headers.get('access-control-allow-origin')).toBe(WEBSITE);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'idempotency-key',
    );
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await postJson(t.app, 'alfa-park', validLead(), { origin: WEBSITE });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEBSITE);

    const before = t.counts();
    const denied = await postJson(t.app, 'alfa-park', validLead(), {
      origin: 'https://evil.example',
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const deniedForm = await postForm(t.app, 'alfa-park', validLead() as Record<string, string>, {
      origin: 'https://evil.example',
    });
    expect(deniedForm.status).toBe(403);
    // A sandboxed or stripped origin is not one of ours either.
    expect((await postJson(t.app, 'alfa-park', validLead(), { origin: 'null' })).status).toBe(403);
    expect(t.counts()).toEqual(before);
  });
});

describe('classic form POST from the hosted page', () => {
  const hosted = (over: Record<string, string> = {}) => ({
    name: 'Ola Nordmann',
    email: 'ola@example.no',
    phone: '41234567',
    message: '',
    marketingEmail: 'on',
    hosted: '1',
    lang: 'nb',
    idempotencyKey: crypto.randomUUID(),
    policyVersion: 'test-1',
    website: '',
    ...over,
  });

  it('redirects to the thank-you page (post/redirect/get)', async () => {
    const t = publicApp();
    // Behind a proxy the request URL is internal; PUBLIC_URL is the origin browsers send.
    const res = await postForm(t.app, 'alfa-park', hosted(), {
      origin: 'https://leads.example.no',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/skjema/alfa-park/takk');
    expect(lastLead(t)).toMatchObject({
      source: 'hosted_form',
      consentEmail: true,
      consentSms: false,
    });
    // Only PUBLIC_URL counts as our own origin, not the host the request was addressed to.
    const en = await postForm(t.app, 'alfa-park', hosted({ lang: 'en' }), {
      origin: 'https://leads.example.no',
    });
    expect(en.headers.get('location')).toBe('/skjema/alfa-park/takk?lang=en');
    const thanks = await t.app.request('/skjema/alfa-park/takk');
    expect(thanks.status).toBe(200);
    const html = await thanks.text();
    expect(html).toContain('Takk for interessen');
    expect(html).toContain('A Bygg AS');
  });

  it('re-renders the form with inline errors and the entered values', async () => {
    const t = publicApp();
    const before = t.counts();
    const res = await postForm(
      t.app,
      'alfa-park',
      hosted({ name: '<b>Ola</b>', email: 'ola@', phone: '', message: 'Hei' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>Feil: ');
    expect(html).toMatch(/<p class="error" id="email-error">[^<]+<\/p>/);
    expect(html).toMatch(/id="email"[^>]*aria-describedby="email-error"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/id="phone"[^>]*aria-describedby="phone-hint phone-error"/);
    expect(html).not.toContain('id="name-error"');
    // What was typed comes back, escaped.
    expect(html).toContain('value="&lt;b&gt;Ola&lt;/b&gt;"');
    expect(html).toContain('value="ola@"');
    expect(html).toContain('>Hei</textarea>');
    expect(html).toMatch(/id="marketingEmail"[^>]*checked/);
    expect(html).not.toMatch(/id="marketingSms"[^>]*checked/);
    expect(html).not.toContain('<script');
    expect(t.counts()).toEqual(before);
  });

  it('answers an unknown project with a 404 page', async () => {
    const t = publicApp();
    const res = await postForm(t.app, 'finnes-ikke', hosted());
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('suppression at intake', () => {
  it('does not re-grant a purpose the e-mail opted out of, and does not tell the caller', async () => {
    const t = publicApp();
    recordSuppression(t.handle.db, {
      email: 'kari.nordmann@example.no',
      purpose: 'marketing_email',
      at: Date.now(),
    });
    const res = await postJson(
      t.app,
      'alfa-park',
      validLead({ marketingEmail: true, marketingSms: true }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    // The answer echoes what was ticked; only the stored consent leaves the opted-out purpose.
    expect(body.consent).toEqual({ marketing_email: true, marketing_sms: true });
    expect(lastLead(t)).toMatchObject({ consentEmail: false, consentSms: true });
    const events = t.handle.db
      .select({ purpose: schema.consentEvents.purpose, granted: schema.consentEvents.granted })
      .from(schema.consentEvents)
      .where(eq(schema.consentEvents.leadId, body.id))
      .all();
    expect(events).toEqual([
      { purpose: 'marketing_email', granted: false },
      { purpose: 'marketing_sms', granted: true },
    ]);
  });
});

describe('the public answer is the same whatever the address’s history', () => {
  const answer = async (t: ReturnType<typeof publicApp>, email: string, form: boolean) => {
    const lead = validLead({ email, marketingEmail: true, marketingSms: true });
    const res = form
      ? await postForm(t.app, 'alfa-park', {
          ...(lead as Record<string, string>),
          marketingEmail: 'on',
          marketingSms: 'on',
        })
      : await postJson(t.app, 'alfa-park', lead);
    const text = await res.text();
    // The lead id differs from call to call by nature; everything else must not.
    return {
      status: res.status,
      location: res.headers.get('location'),
      body: text.replace(/"id":\d+/, '"id":0'),
    };
  };

  it.each([false, true])('form post: %s', async (form) => {
    const t = publicApp();
    const at = Date.now();
    recordSuppression(t.handle.db, { email: 'ute@example.no', purpose: 'marketing_email', at });
    recordSuppression(t.handle.db, { email: 'ute@example.no', purpose: 'marketing_sms', at });
    const clean = await answer(t, 'ny@example.no', form);
    const suppressed = await answer(t, 'ute@example.no', form);
    expect(clean.status).toBe(form ? 303 : 201);
    expect(suppressed).toEqual(clean);
    // And the opt-out still holds in what was stored.
    expect(lastLead(t)).toMatchObject({ consentEmail: false, consentSms: false });
  });
});

describe('all or nothing', () => {
  it('a failure half way (the outbox insert) leaves nothing stored', async () => {
    const t = publicApp();
    t.handle.sqlite.exec(
      `create trigger outbox_down before insert on outbox begin select raise(abort, 'outbox down'); end;`,
    );
    const before = counts(t.handle);
    const res = await postJson(
      t.app,
      'alfa-park',
      validLead({ marketingEmail: true, marketingSms: true }),
      { 'idempotency-key': 'half-way' },
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as any;
    expect(JSON.stringify(body)).not.toMatch(/outbox|sqlite|stack/i);
    expect(counts(t.handle)).toEqual(before);
    expect(t.kicks.n).toBe(0);
    // Once the outbox works again, the same key stores the lead (nothing half-done blocks it).
    t.handle.sqlite.exec('drop trigger outbox_down');
    const retry = await postJson(t.app, 'alfa-park', validLead(), {
      'idempotency-key': 'half-way',
    });
    expect(retry.status).toBe(201);
    expect(counts(t.handle).leads).toBe(before.leads + 1);
  });
});

describe('search index', () => {
  const ftsIds = (t: ReturnType<typeof publicApp>, match: string) =>
    t.handle.sqlite
      .prepare('select rowid as id from leads_fts where leads_fts match ? order by rowid')
      .all(match);

  it('a stored lead is found by search, within its subsidiary scope', async () => {
    const t = publicApp();
    const res = await postJson(t.app, 'alfa-park', validLead({ name: 'Ingeborg Sæther' }));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as any;
    expect(ftsIds(t, `scope : "s${t.f.subA}" AND {name} : "sæther"*`)).toEqual([{ id }]);
    expect(ftsIds(t, `scope : "s${t.f.subB}" AND {name} : "sæther"*`)).toEqual([]);
  });

  it('forms stored in one batch are each indexed once; a form that failed is not', async () => {
    const t = publicApp();
    t.handle.sqlite.exec(
      `create trigger receipt_down before insert on outbox when new.to_address = 'fails@example.no'
       begin select raise(abort, 'receipt down'); end;`,
    );
    const [a, failed, b] = await Promise.all([
      postJson(t.app, 'alfa-park', validLead({ name: 'Batchperson Aaa', email: 'a@example.no' })),
      postJson(
        t.app,
        'alfa-park',
        validLead({ name: 'Batchperson Bbb', email: 'fails@example.no', marketingEmail: true }),
      ),
      postJson(t.app, 'alfa-park', validLead({ name: 'Batchperson Ccc', email: 'c@example.no' })),
    ]);
    expect([a.status, failed.status, b.status]).toEqual([201, 500, 201]);
    const ids = [((await a.json()) as any).id, ((await b.json()) as any).id];
    expect(ftsIds(t, '{name} : "batchperson"')).toEqual(ids.map((id) => ({ id })));
  });
});

describe('security headers', () => {
  it('a JSON post gets the public pages’ CSP with no styles and no nonce; a form post’s page keeps its nonce', async () => {
    const t = publicApp();
    for (const res of [
      await postJson(t.app, 'alfa-park', validLead()),
      await postJson(t.app, 'alfa-park', validLead({ email: 'nope' })),
      await postJson(t.app, 'finnes-ikke', validLead()),
    ]) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("style-src 'none'");
      expect(csp).not.toContain('nonce-');
      // Framing as the public pages: the configured website and ourselves only.
      expect(csp).toContain("frame-ancestors 'self' https://www.mestergruppeneiendom.no");
      expect(csp).toContain("default-src 'none'");
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // A classic form post with an error is answered with the form page: styled by nonce.
    const page = await postForm(t.app, 'alfa-park', { ...validLead({ email: 'nope' }) });
    expect(page.status).toBe(400);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(await page.text()).toContain(`<style nonce="${nonce}">`);
  });
});
