// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import {
  flushAnonymousDenials,
  leadsInScope,
  recordConsent,
  recordSuppression,
  schema,
  suppressionHash,
} from '@mg/db';
import { scopeFor } from '@mg/shared';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lastAccessLogEntry, outcome, setup } from './helpers';
import { addLead, callerFor, cookieFor, postJson, publicApp, validLead } from './public-helpers';

const eventsOf = (t: { handle: ReturnType<typeof setup>['handle'] }, leadId: number) =>
  t.handle.db
    .select()
    .from(schema.consentEvents)
    .where(eq(schema.consentEvents.leadId, leadId))
    .orderBy(schema.consentEvents.id)
    .all();

describe('consent history is never rewritten', () => {
  it('the database refuses UPDATE and DELETE on consent events', () => {
    const t = setup();
    const sql = t.handle.sqlite;
    expect(() => sql.exec('update consent_events set granted = 0')).toThrow(/append-only/);
    expect(() => sql.exec('delete from consent_events')).toThrow(/append-only/);
  });

  it('a withdrawal appends an event; the grant stays as it was', async () => {
    const t = setup();
    const leadId = t.f.leadsA[0] ?? 0;
    const before = eventsOf(t, leadId);
    expect(before).toEqual([
      expect.objectContaining({ purpose: 'marketing_email', granted: true }),
    ]);
    await t.as('userA').consent.withdraw({ leadId, purpose: 'marketing_email' });
    const after = eventsOf(t, leadId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
  });
});

describe('consent.withdraw (staff, on request)', () => {
  it('records who and when, suppresses the e-mail and logs the actor', async () => {
    const t = setup();
    const leadId = t.f.leadsA[0] ?? 0;
    const at = Date.now();
    const result = await t.as('userA').consent.withdraw({ leadId, purpose: 'marketing_email' });
    expect(result).toEqual({
      changed: true,
      consent: { marketing_email: false, marketing_sms: false },
    });
    const last = eventsOf(t, leadId).at(-1);
    expect(last).toMatchObject({
      purpose: 'marketing_email',
      granted: false,
      source: 'staff_on_request',
      actorUserId: t.f.users.userA,
    });
    expect(last?.at).toBeGreaterThanOrEqual(at);
    const suppressed = t.handle.db
      .select()
      .from(schema.suppressions)
      .where(eq(schema.suppressions.emailHash, suppressionHash(' Ase@Example.NO ')))
      .get();
    expect(suppressed).toMatchObject({ purpose: 'marketing_email' });
    expect(t.lastEntry()).toMatchObject({
      action: 'consent.withdraw',
      outcome: 'ok',
      actorUserId: t.f.users.userA,
      actorRole: 'subsidiary_user',
      targetType: 'lead',
      targetIds: JSON.stringify([leadId]),
      purpose: 'marketing',
    });
    // The lead page shows it: the history comes with the acting user's name.
    const page = await t.as('userA').lead.byId({ id: leadId });
    expect(page.lead.consentEmail).toBe(false);
  });

  it('is idempotent when already withdrawn (logged, nothing appended)', async () => {
    const t = setup();
    const leadId = t.f.leadsA[0] ?? 0;
    await t.as('admin').consent.withdraw({ leadId, purpose: 'marketing_email' });
    const events = eventsOf(t, leadId);
    const second = await t.as('admin').consent.withdraw({ leadId, purpose: 'marketing_email' });
    expect(second.changed).toBe(false);
    expect(eventsOf(t, leadId)).toEqual(events);
    expect(t.lastEntry()).toMatchObject({ action: 'consent.withdraw', outcome: 'ok' });
    expect(JSON.parse(t.lastEntry()?.detail ?? '{}')).toMatchObject({ changed: false });
  });

  it("answers another subsidiary's lead as not found, logs the denial, changes nothing", async () => {
    const t = setup();
    const leadId = t.f.leadsA[0] ?? 0;
    const events = eventsOf(t, leadId);
    expect(
      await outcome(t.as('userB').consent.withdraw({ leadId, purpose: 'marketing_email' })),
    ).toBe('NOT_FOUND');
    expect(t.lastEntry()).toMatchObject({
      action: 'consent.withdraw',
      outcome: 'denied',
      targetIds: JSON.stringify([leadId]),
    });
    expect(eventsOf(t, leadId)).toEqual(events);
    expect(t.handle.db.select().from(schema.suppressions).all()).toEqual([]);
  });
});

describe('suppression survives anonymisation', () => {
  it('a new form with the same e-mail does not re-grant consent after erasure', async () => {
    const t = publicApp();
    const first = await postJson(t.app, 'alfa-park', validLead({ marketingEmail: true }));
    const { id } = (await first.json()) as any;
    const user = t.handle.db
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(eq(schema.users.email, 'a@test.no'))
      .get();
    // Staff record the withdrawal (the unsubscribe link does the same: see unsubscribe.test).
    t.handle.db.transaction((tx) => {
      const [lead] = leadsInScope(tx, scopeFor({ role: 'admin', subsidiaryId: null }), [id]);
      if (!lead) throw new Error('lead not found');
      recordConsent(tx, {
        lead,
        purpose: 'marketing_email',
        granted: false,
        source: 'staff_on_request',
        policyVersionId: null,
        actorUserId: user?.id ?? null,
        at: Date.now(),
      });
      recordSuppression(tx, {
        email: 'kari.nordmann@example.no',
        purpose: 'marketing_email',
        at: Date.now(),
      });
    });
    // Anonymise the lead the way erasure does: personal fields emptied, the time noted.
    t.handle.db
      .update(schema.leads)
      .set({ name: null, email: null, phone: null, message: null, anonymisedAt: Date.now() })
      .where(eq(schema.leads.id, id))
      .run();
    expect(t.handle.db.select().from(schema.suppressions).all()).toHaveLength(1);
    expect(JSON.stringify(t.handle.db.select().from(schema.leads).all())).not.toMatch(
      /kari\.nordmann/i,
    );

    const again = await postJson(
      t.app,
      'alfa-park',
      validLead({ email: 'KARI.NORDMANN@example.no', marketingEmail: true, marketingSms: true }),
    );
    expect(again.status).toBe(201);
    const body = (await again.json()) as any;
    // The answer echoes what was ticked (it must not reveal the opt-out); what is stored
    // leaves the opted-out purpose off.
    expect(body.consent).toEqual({ marketing_email: true, marketing_sms: true });
    const lead = t.handle.db
      .select({ consentEmail: schema.leads.consentEmail })
      .from(schema.leads)
      .where(eq(schema.leads.id, body.id))
      .get();
    expect(lead?.consentEmail).toBe(false);
  });
});

describe('consent.forwarding (the forwarding log)', () => {
  it('lists the notifications about a lead, scoped and logged', async () => {
    const t = publicApp();
    const res = await postJson(t.app, 'alfa-park', validLead());
    const { id } = (await res.json()) as any;
    const caller = (who: 'userA' | 'userB') => callerFor(t, who);
    const log = await caller('userA').consent.forwarding({ leadId: id });
    expect(log).toEqual([
      expect.objectContaining({
        toSubsidiaryId: t.f.subA,
        toSubsidiaryName: 'A Bygg AS',
        status: 'pending',
        attempts: 0,
        sentAt: null,
        lastError: null,
      }),
    ]);
    const entry = lastAccessLogEntry(t.handle);
    expect(entry).toMatchObject({
      action: 'consent.forwarding',
      targetIds: JSON.stringify([id]),
      outcome: 'ok',
    });
    expect(await outcome(caller('userB').consent.forwarding({ leadId: id }))).toBe('NOT_FOUND');
  });
});

describe('marketing audience export', () => {
  function audienceFixture() {
    const t = publicApp();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const make = (name: string, email: string, consent = true) =>
      addLead(t.handle, project, { name, email, consent: consent ? ['marketing_email'] : [] });
    const included = make('=HYPERLINK("x")', 'inkludert@example.no');
    const restricted = make('Begrenset', 'begrenset@example.no');
    const anonymised = make('Anonym', 'anonym@example.no');
    const suppressed = make('Avmeldt', 'avmeldt@example.no');
    const noConsent = make('Uten samtykke', 'uten@example.no', false);
    t.handle.db
      .update(schema.leads)
      .set({ restricted: true })
      .where(eq(schema.leads.id, restricted))
      .run();
    t.handle.db
      .update(schema.leads)
      .set({ name: null, email: null, phone: null, anonymisedAt: Date.now() })
      .where(eq(schema.leads.id, anonymised))
      .run();
    recordSuppression(t.handle.db, {
      email: 'avmeldt@example.no',
      purpose: 'marketing_email',
      at: Date.now(),
    });
    const fixtureConsented = t.f.leadsA[0] ?? 0;
    return {
      ...t,
      ids: { included, restricted, anonymised, suppressed, noConsent, fixtureConsented },
    };
  }

  const download = (
    t: ReturnType<typeof audienceFixture>,
    cookie: string | null,
    query = '?purpose=marketing_email',
    headers: Record<string, string> = {},
  ) =>
    t.app.request(`/api/exports/audience.csv${query}`, {
      headers: { ...(cookie ? { cookie } : {}), 'sec-fetch-site': 'same-origin', ...headers },
    });

  it('holds only consented, unrestricted, not anonymised, not suppressed leads, and logs them', async () => {
    const t = audienceFixture();
    const res = await download(t, cookieFor(t.handle, t.f.users.privacy_officer));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="audience-marketing_email-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('lead_id,name,email,project,consent_granted_at');
    const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
    expect(ids.sort((a, b) => a - b)).toEqual(
      [t.ids.fixtureConsented, t.ids.included].sort((a, b) => a - b),
    );
    // A name that looks like a formula stays text in a spreadsheet.
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    const entry = lastAccessLogEntry(t.handle);
    expect(entry).toMatchObject({
      action: 'audience.export',
      outcome: 'ok',
      purpose: 'marketing',
      actorUserId: t.f.users.privacy_officer,
      targetType: 'lead',
      targetCount: 2,
    });
    expect((JSON.parse(entry?.targetIds ?? '[]') as number[]).sort()).toEqual(ids.sort());
    expect(JSON.parse(entry?.detail ?? '{}')).toEqual({
      consentPurpose: 'marketing_email',
      count: 2,
    });
    // Streamed: an entry before the first row is read, the ids in the one after the last.
    const started = t.handle.sqlite
      .prepare(`select id, outcome, detail from access_log where action = 'audience.exportStarted'`)
      .all() as { id: number; outcome: string; detail: string }[];
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ outcome: 'ok', id: (entry?.id ?? 0) - 1 });
  });

  it('exports phone numbers for the SMS purpose', async () => {
    const t = audienceFixture();
    addLead(
      t.handle,
      { id: t.f.projectB, subsidiaryId: t.f.subB },
      {
        name: 'Sms Person',
        email: 'sms@example.no',
        phone: '+4798765432',
        consent: ['marketing_sms'],
      },
    );
    const res = await download(t, cookieFor(t.handle, t.f.users.admin), '?purpose=marketing_sms');
    const csv = (await res.text()).replace(/^\uFEFF/, '');
    expect(csv.split('\n')[0]).toBe('lead_id,name,phone,project,consent_granted_at');
    expect(csv).toContain('+4798765432');
    expect(csv.trim().split('\n')).toHaveLength(2);
  });

  it('refuses and logs: no session, no permission, cross-site, bad purpose', async () => {
    const t = audienceFixture();
    const lastEntry = () => lastAccessLogEntry(t.handle);

    // Anonymous refusals are summed up per IP and minute; flushed here to read them.
    const anonymousEntry = () => {
      t.handle.db.transaction((tx) => flushAnonymousDenials(tx, Date.now(), { all: true }));
      const entry = lastEntry();
      expect(entry).toMatchObject({ action: 'anonymous.denied', outcome: 'denied' });
      return JSON.parse(entry?.detail ?? '{}');
    };
    expect((await download(t, null)).status).toBe(401);
    expect(anonymousEntry()).toMatchObject({
      actions: ['audience.export'],
      reasons: ['unauthenticated'],
    });

    const userA = cookieFor(t.handle, t.f.users.userA);
    expect((await download(t, userA)).status).toBe(403);
    expect(lastEntry()).toMatchObject({
      action: 'audience.export',
      outcome: 'denied',
      actorUserId: t.f.users.userA,
    });
    const auditor = cookieFor(t.handle, t.f.users.auditor);
    expect((await download(t, auditor)).status).toBe(403);

    const admin = cookieFor(t.handle, t.f.users.admin);
    const cross = await download(t, admin, undefined, { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(anonymousEntry()).toMatchObject({
      actions: ['audience.export'],
      reasons: ['cross_site'],
    });

    const bad = await download(t, admin, '?purpose=everything');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fieldErrors.purpose[0].key).toBe('invalid');
  });

  it('audience.summary counts without personal data', async () => {
    const t = audienceFixture();
    const caller = callerFor(t, 'privacy_officer');
    expect(await caller.audience.summary()).toEqual([
      {
        purpose: 'marketing_email',
        count: 2,
        href: '/api/exports/audience.csv?purpose=marketing_email',
      },
      {
        purpose: 'marketing_sms',
        count: 0,
        href: '/api/exports/audience.csv?purpose=marketing_sms',
      },
    ]);
  });
});
