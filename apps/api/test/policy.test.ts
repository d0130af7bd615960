// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { osloDate, schema } from '@mg/db';
import { desc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outcome, setup } from './helpers';
import { postJson, publicApp, validLead } from './public-helpers';

const policiesOf = (t: ReturnType<typeof setup>) =>
  t.handle.db
    .select({ id: schema.leads.id, policyVersionId: schema.leads.policyVersionId })
    .from(schema.leads)
    .orderBy(schema.leads.id)
    .all();

describe('policy.publish / policy.list', () => {
  it('publishes a version, logs it, and never changes old leads', async () => {
    const t = setup();
    const before = policiesOf(t);
    const { id } = await t.as('privacy_officer').policy.publish({
      label: '2026-03-01',
      effectiveDate: '2026-03-01',
      body: 'Ny personvernerklæring.',
    });
    expect(policiesOf(t)).toEqual(before);
    expect(t.lastEntry()).toMatchObject({
      action: 'policy.publish',
      outcome: 'ok',
      actorUserId: t.f.users.privacy_officer,
      targetType: 'policy',
      targetIds: JSON.stringify([id]),
      purpose: 'administration',
    });
    const list = await t.as('admin').policy.list();
    expect(list.versions.map((v) => v.label)).toEqual(['2026-03-01', 'test-1']);
    expect(list.versions[0]).toMatchObject({
      id,
      publishedByName: expect.any(String),
      leadCount: 0,
    });
    expect(list.versions[1]?.leadCount).toBe(6);
    // In force from its effective date on (today is after 2026-03-01 only from then).
    expect(list.currentId).toBe(osloDate() >= '2026-03-01' ? id : t.f.policyId);
  });

  it('refuses a duplicate label with a field error', async () => {
    const t = setup();
    try {
      await t.as('admin').policy.publish({
        label: 'test-1',
        effectiveDate: '2025-01-01',
        body: 'Kopi',
      });
      expect.unreachable();
    } catch (error) {
      const e = error as any;
      expect(e.code).toBe('CONFLICT');
      expect(e.cause.domainCode).toBe('duplicateLabel');
      expect(e.cause.fieldErrors).toEqual({ label: [{ key: 'invalid' }] });
    }
  });

  it('validates the input', async () => {
    const t = setup();
    expect(
      await outcome(
        t.as('admin').policy.publish({ label: '', effectiveDate: '2025-02-30', body: '' }),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('is for admins and the privacy officer only', async () => {
    const t = setup();
    const input = { label: 'x', effectiveDate: '2025-01-01', body: 'x' };
    expect(await outcome(t.as('userA').policy.publish(input))).toBe('FORBIDDEN');
    expect(await outcome(t.as('auditor').policy.list())).toBe('FORBIDDEN');
  });
});

describe('the current policy, publicly', () => {
  it('GET /api/policy/current serves the version in force, not a future one', async () => {
    const t = publicApp();
    t.handle.db
      .insert(schema.policyVersions)
      .values([
        { label: 'v2', effectiveDate: '2025-01-01', body: 'Versjon 2', publishedAt: 1 },
        { label: 'future', effectiveDate: '2999-01-01', body: 'Senere', publishedAt: 2 },
      ])
      .run();
    const res = await t.app.request('/api/policy/current');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      label: 'v2',
      effectiveDate: '2025-01-01',
      body: 'Versjon 2',
    });
    const page = await t.app.request('/personvern');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Versjon 2');
    const exact = await t.app.request('/personvern?versjon=test-1');
    expect(await exact.text()).toContain('<p>Policy</p>');
  });

  it('a new intake stores the current version; old leads keep theirs', async () => {
    const t = publicApp();
    const old = t.handle.db
      .select({ id: schema.leads.id, policyVersionId: schema.leads.policyVersionId })
      .from(schema.leads)
      .all();
    t.handle.db
      .insert(schema.policyVersions)
      .values({ label: 'v2', effectiveDate: '2025-01-01', body: 'Versjon 2', publishedAt: 1 })
      .run();
    const res = await postJson(t.app, 'alfa-park', validLead());
    expect(res.status).toBe(201);
    const lead = t.handle.db
      .select({ policyVersionId: schema.leads.policyVersionId })
      .from(schema.leads)
      .orderBy(desc(schema.leads.id))
      .limit(1)
      .get();
    const v2 = t.handle.db.select().from(schema.policyVersions).all().at(-1);
    expect(lead?.policyVersionId).toBe(v2?.id);
    const again = t.handle.db
      .select({ id: schema.leads.id, policyVersionId: schema.leads.policyVersionId })
      .from(schema.leads)
      .all()
      .slice(0, old.length);
    expect(again).toEqual(old);
  });
});

describe('GET /skjema/:slug — the hosted form', () => {
  it('renders an accessible form without scripts, nb by default', async () => {
    const t = publicApp();
    const res = await t.app.request('/skjema/alfa-park');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="nb">');
    for (const field of ['name', 'email', 'phone', 'message', 'marketingEmail', 'marketingSms'])
      expect(html).toMatch(new RegExp(`<label for="${field}">`));
    expect(html).toMatch(/<input type="checkbox" id="marketingEmail"[^>]*>/);
    expect(html).not.toMatch(/id="marketing(Email|Sms)"[^>]*checked/);
    // The honeypot is hidden from people and from screen readers, and out of the tab order.
    expect(html).toMatch(
      /<div class="hp" aria-hidden="true">[\s\S]*<input type="text" id="website" name="website" tabindex="-1" autocomplete="off"/,
    );
    expect(html).toMatch(/name="idempotencyKey" value="[0-9a-f-]{36}"/);
    expect(html).toContain('name="policyVersion" value="test-1"');
    expect(html).toContain('href="/personvern"');
    expect(html).toContain('action="/api/intake/alfa-park"');
    expect(html).not.toContain('<script');
    // Every render has its own idempotency key.
    const key = (s: string) => /name="idempotencyKey" value="([^"]+)"/.exec(s)?.[1];
    const second = await (await t.app.request('/skjema/alfa-park')).text();
    expect(key(second)).not.toBe(key(html));
  });

  it('speaks English with ?lang=en', async () => {
    const t = publicApp();
    const html = await (await t.app.request('/skjema/alfa-park?lang=en')).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Register your interest in Alfa Park');
    expect(html).toContain('action="/api/intake/alfa-park?lang=en"');
  });

  it('may be framed by the configured website only, and is never cached', async () => {
    const t = publicApp();
    const res = await t.app.request('/skjema/alfa-park');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://www.mestergruppeneiendom.no");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'nonce-[^']+'/);
    expect(csp).toContain("form-action 'self'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Not no-referrer: that makes browsers send `Origin: null` with the form's POST.
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const nonce = /nonce-([^']+)'/.exec(csp)?.[1];
    expect(await res.text()).toContain(`<style nonce="${nonce}">`);
    // The rest of the app still refuses to be framed.
    const health = await t.app.request('/healthz');
    expect(health.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('without configured origins, only we may frame it', async () => {
    const t = publicApp({ INTAKE_CORS_ORIGINS: '' });
    const res = await t.app.request('/skjema/alfa-park');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('answers unknown and closed projects with a 404 page', async () => {
    const t = publicApp();
    expect((await t.app.request('/skjema/finnes-ikke')).status).toBe(404);
    t.handle.db.update(schema.projects).set({ status: 'completed' }).run();
    const closed = await t.app.request('/skjema/alfa-park?lang=en');
    expect(closed.status).toBe(404);
    expect(await closed.text()).toContain('Page not found');
  });
});
