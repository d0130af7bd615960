// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isSuppressed,
  leadsInScope,
  PERSON_LEADS_CAP,
  schema,
  withdrawAllMarketing,
  withdrawConsent,
} from '@mg/db';
import { makeLead } from '@mg/db/testing';
import { leadExportPath, scopeFor } from '@mg/shared';
import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import {
  CONFIRMATION_TTL_MS,
  confirmConsentByToken,
  issueConsentConfirmation,
} from '../src/lib/consent-confirmation';
import { RECEIPT_KIND } from '../src/lib/intake';
import { loadSuppressionKey } from '../src/lib/server-secrets';
import { issueUnsubscribeToken } from '../src/lib/unsubscribe';
import { lastAccessLogEntry, outcome } from './helpers';
import { callerFor, cookieFor, postJson, publicApp, validLead } from './public-helpers';

type T = ReturnType<typeof publicApp>;
const ALL = scopeFor({ role: 'admin', subsidiaryId: null });

async function form(t: T, slug: string, over: Record<string, unknown>) {
  const res = await postJson(t.app, slug, validLead(over));
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; consent: Record<string, boolean> } & Record<
    string,
    unknown
  >;
}

const consentOf = (t: T, id: number) =>
  t.handle.db
    .select({ email: schema.leads.consentEmail, sms: schema.leads.consentSms })
    .from(schema.leads)
    .where(eq(schema.leads.id, id))
    .get();

const eventsOf = (t: T, id: number) =>
  t.handle.db
    .select()
    .from(schema.consentEvents)
    .where(eq(schema.consentEvents.leadId, id))
    .orderBy(schema.consentEvents.id)
    .all();

/** The same person (Kari) at both subsidiaries, e-mail written differently, both consenting. */
async function personAtTwoSubsidiaries() {
  const t = publicApp();
  const a = await form(t, 'alfa-park', { marketingEmail: true, marketingSms: true });
  const b = await form(t, 'beta-brygge', {
    email: ' KARI.nordmann@EXAMPLE.no',
    phone: '+47 912 34 567',
    marketingEmail: true,
    marketingSms: true,
  });
  expect(consentOf(t, b.id)).toEqual({ email: true, sms: true });
  return { t, a: a.id, b: b.id };
}

async function audienceIds(t: T, purpose: string) {
  const res = await t.app.request(`/api/exports/audience.csv?purpose=${purpose}`, {
    headers: { cookie: cookieFor(t.handle, t.f.users.admin), 'sec-fetch-site': 'same-origin' },
  });
  expect(res.status).toBe(200);
  const lines = (await res.text())
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  return lines.slice(1).map((l) => Number(l.split(',')[0]));
}

describe('consent belongs to the person', () => {
  it('an objection to marketing on lead A withdraws both purposes on lead B at the other subsidiary', async () => {
    const { t, a, b } = await personAtTwoSubsidiaries();
    const answer = await callerFor(t, 'privacy_officer').lead.object({
      id: a,
      kind: 'marketing',
      reason: 'Ønsker ikke markedsføring',
    });
    expect(answer.restricted).toBe(false);
    expect(consentOf(t, a)).toEqual({ email: false, sms: false });
    expect(consentOf(t, b)).toEqual({ email: false, sms: false });
    expect(lastAccessLogEntry(t.handle)).toMatchObject({ action: 'lead.object', outcome: 'ok' });
    expect(JSON.parse(lastAccessLogEntry(t.handle)?.targetIds ?? '[]')).toEqual([a, b]);
  });

  it("unsubscribing through lead A's link withdraws lead B at the other subsidiary, everywhere", async () => {
    const { t, a, b } = await personAtTwoSubsidiaries();
    expect(await audienceIds(t, 'marketing_email')).toContain(b);
    const token = issueUnsubscribeToken(t.handle.db, a);
    const res = await t.app.request(`/unsubscribe/${token}`, { method: 'POST' });
    expect(res.status).toBe(200);

    // B got its own withdrawal event (append-only, latest per purpose is current).
    expect(consentOf(t, b)).toEqual({ email: false, sms: false });
    expect(eventsOf(t, b).slice(-2)).toEqual([
      expect.objectContaining({
        purpose: 'marketing_email',
        granted: false,
        source: 'unsubscribe_link',
      }),
      expect.objectContaining({
        purpose: 'marketing_sms',
        granted: false,
        source: 'unsubscribe_link',
      }),
    ]);
    // One access-log entry, in the same transaction, naming both leads.
    const entry = lastAccessLogEntry(t.handle);
    expect(entry).toMatchObject({ action: 'consent.unsubscribe', outcome: 'ok' });
    expect(JSON.parse(entry?.targetIds ?? '[]').sort()).toEqual([a, b].sort());

    // The audience export, the grid filter and the lead CSV agree with the suppression list.
    expect(await audienceIds(t, 'marketing_email')).not.toContain(b);
    expect(await audienceIds(t, 'marketing_sms')).not.toContain(b);
    const userB = callerFor(t, 'userB');
    const granted = await userB.lead.list({ consents: { marketing_email: true } });
    expect(granted.items.map((l: any) => l.id)).not.toContain(b);
    const notGranted = await userB.lead.list({ consents: { marketing_email: false } });
    expect(notGranted.items.map((l: any) => l.id)).toContain(b);
    const csv = await t.app.request(
      leadExportPath(
        { sort: 'createdAt', dir: 'asc' },
        ['id', 'consentEmail', 'consentSms'],
        'follow_up',
      ),
      { headers: { cookie: cookieFor(t.handle, t.f.users.userB) } },
    );
    expect(csv.status).toBe(200);
    // Norwegian Excel: semicolons, CRLF, Ja/Nei.
    expect((await csv.text()).split('\r\n')).toContain(`${b};Nei;Nei`);
  });

  it('an SMS withdrawal follows the phone, not the e-mail', async () => {
    const t = publicApp();
    const one = await form(t, 'alfa-park', {
      email: 'en@example.no',
      phone: '90011223',
      marketingSms: true,
      marketingEmail: true,
    });
    const samePhone = await form(t, 'beta-brygge', {
      email: 'to@example.no',
      phone: '+4790011223',
      marketingSms: true,
      marketingEmail: true,
    });
    const sameEmail = await form(t, 'beta-brygge', {
      email: 'en@example.no',
      phone: '90099887',
      marketingSms: true,
    });
    await callerFor(t, 'admin').consent.withdraw({ leadId: one.id, purpose: 'marketing_sms' });
    expect(consentOf(t, one.id)).toEqual({ email: true, sms: false });
    expect(consentOf(t, samePhone.id)).toEqual({ email: true, sms: false });
    expect(consentOf(t, sameEmail.id)).toEqual({ email: false, sms: true });
    expect(eventsOf(t, samePhone.id).at(-1)).toMatchObject({
      purpose: 'marketing_sms',
      source: 'staff_on_request',
      actorUserId: t.f.users.admin,
    });
    expect(JSON.parse(lastAccessLogEntry(t.handle)?.targetIds ?? '[]').sort()).toEqual(
      [one.id, samePhone.id].sort(),
    );
    expect(
      isSuppressed(t.handle.db, {
        email: 'x@example.no',
        phone: '900 11 223',
        purpose: 'marketing_sms',
      }),
    ).toBe(true);
    expect(await audienceIds(t, 'marketing_sms')).toEqual([sameEmail.id]);
    // A later form with that phone (another e-mail) ticking SMS stays suppressed.
    const later = await form(t, 'alfa-park', {
      email: 'tre@example.no',
      phone: '900 11 223',
      marketingSms: true,
    });
    expect(later.consent).toEqual({ marketing_email: false, marketing_sms: true });
    expect(consentOf(t, later.id)).toEqual({ email: false, sms: false });
  });

  it("a subsidiary user's withdrawal tells them nothing of the other subsidiary's lead", async () => {
    const { t, a, b } = await personAtTwoSubsidiaries();
    const userA = callerFor(t, 'userA');
    const result = await userA.consent.withdraw({ leadId: a, purpose: 'marketing_email' });
    // Exactly the answer a person with one lead gets: about lead A only.
    expect(result).toEqual({
      changed: true,
      consent: { marketing_email: false, marketing_sms: true },
    });
    expect(JSON.stringify(result)).not.toContain(String(b));
    expect(consentOf(t, b)).toEqual({ email: false, sms: true });
    // The log holds the ids; the lead stays out of A's view.
    const entry = lastAccessLogEntry(t.handle);
    expect(entry).toMatchObject({ action: 'consent.withdraw', actorUserId: t.f.users.userA });
    expect(JSON.parse(entry?.targetIds ?? '[]')).toEqual([a, b]);
    expect(await outcome(userA.lead.byId({ id: b }))).toBe('NOT_FOUND');
    // A repeat changes nothing and still reveals nothing.
    expect(await userA.consent.withdraw({ leadId: a, purpose: 'marketing_email' })).toEqual({
      changed: false,
      consent: { marketing_email: false, marketing_sms: true },
    });
  });

  it('an objection to marketing withdraws every marketing purpose of the person', async () => {
    const { t, a, b } = await personAtTwoSubsidiaries();
    const result = t.handle.db.transaction((tx) => {
      const [lead] = leadsInScope(tx, ALL, [b]);
      if (!lead) throw new Error('lead');
      return withdrawAllMarketing(tx, {
        lead,
        actorUserId: t.f.users.privacy_officer,
        at: Date.now(),
      });
    });
    expect(result?.withdrawn).toEqual(['marketing_email', 'marketing_sms']);
    expect(result?.touchedLeadIds.sort()).toEqual([a, b].sort());
    for (const id of [a, b]) {
      expect(consentOf(t, id)).toEqual({ email: false, sms: false });
      expect(eventsOf(t, id).at(-1)).toMatchObject({ source: 'dsr', granted: false });
    }
  });

  it('caps the fan-out for an address with an absurd number of leads, and says so', () => {
    const t = publicApp();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const ids = t.handle.db.transaction((tx) =>
      Array.from({ length: PERSON_LEADS_CAP + 5 }, () =>
        makeLead(tx, project, { email: 'delt@example.no', consent: { marketing_email: true } }),
      ),
    );
    const result = t.handle.db.transaction((tx) => {
      const [lead] = leadsInScope(tx, ALL, [ids[0] ?? 0]);
      if (!lead) throw new Error('lead');
      return withdrawConsent(tx, {
        lead,
        purposes: ['marketing_email'],
        source: 'staff_on_request',
        actorUserId: null,
        at: Date.now(),
      });
    });
    expect(result?.capped).toBe(true);
    expect(result?.touchedLeadIds).toHaveLength(PERSON_LEADS_CAP + 1);
    // The suppression still covers the address for every future form and the audience.
    expect(
      isSuppressed(t.handle.db, { email: 'delt@example.no', purpose: 'marketing_email' }),
    ).toBe(true);
  });
});

describe('double opt-in after an opt-out', () => {
  async function suppressedAndAgain() {
    const { t, a, b } = await personAtTwoSubsidiaries();
    const token = issueUnsubscribeToken(t.handle.db, a);
    await t.app.request(`/unsubscribe/${token}`, { method: 'POST' });
    // A fresh person's form, for comparing the public answer.
    const fresh = await form(t, 'alfa-park', {
      email: 'ny@example.no',
      phone: '90000009',
      marketingEmail: true,
    });
    const again = await form(t, 'alfa-park', { marketingEmail: true });
    const receipt = t.handle.db
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.leadId, again.id), eq(schema.outbox.kind, RECEIPT_KIND)))
      .get();
    const link = /https:\/\/leads\.example\.no(\/confirm-consent\/[a-z2-7]{32})/.exec(
      receipt?.body ?? '',
    );
    return { t, a, b, fresh, again, path: link?.[1] ?? '' };
  }

  const snapshot = (t: T) => ({
    events: t.handle.db.select().from(schema.consentEvents).all(),
    suppressions: t.handle.db.select().from(schema.suppressions).all(),
    leads: t.handle.db
      .select({ id: schema.leads.id, e: schema.leads.consentEmail })
      .from(schema.leads)
      .all(),
    log: t.handle.db.select().from(schema.accessLog).all().length,
  });

  it('stays suppressed, answering like any form, until the link in the receipt is POSTed', async () => {
    const { t, fresh, again, path } = await suppressedAndAgain();
    // The public answer does not tell whether the address was suppressed.
    const { id: _f, ...freshAnswer } = fresh;
    const { id: _a, ...againAnswer } = again;
    expect(againAnswer).toEqual(freshAnswer);
    expect(consentOf(t, again.id)).toEqual({ email: false, sms: false });
    expect(await audienceIds(t, 'marketing_email')).not.toContain(again.id);
    expect(path).not.toBe('');

    // GET only shows the page.
    const before = snapshot(t);
    const get = await t.app.request(path);
    expect(get.status).toBe(200);
    const page = await get.text();
    expect(page).toContain(`<form method="post" action="${path}">`);
    expect(page).toContain('Alfa Park');
    expect(page).not.toMatch(/kari|91234567/i);
    expect(snapshot(t)).toEqual(before);

    // POST confirms: its own event, the suppression lifted for that purpose, logged.
    const post = await t.app.request(path, { method: 'POST' });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('samtykket er registrert');
    expect(consentOf(t, again.id)).toEqual({ email: true, sms: false });
    expect(eventsOf(t, again.id).at(-1)).toMatchObject({
      purpose: 'marketing_email',
      granted: true,
      source: 'double_opt_in',
      actorUserId: null,
    });
    expect(
      isSuppressed(t.handle.db, { email: 'kari.nordmann@example.no', purpose: 'marketing_email' }),
    ).toBe(false);
    // The SMS opt-out was not part of this confirmation.
    expect(
      isSuppressed(t.handle.db, {
        email: 'kari.nordmann@example.no',
        phone: '91234567',
        purpose: 'marketing_sms',
      }),
    ).toBe(true);
    expect(await audienceIds(t, 'marketing_email')).toContain(again.id);
    const entry = t.handle.db
      .select()
      .from(schema.accessLog)
      .where(eq(schema.accessLog.action, 'consent.confirm'))
      .orderBy(desc(schema.accessLog.id))
      .get();
    expect(entry).toMatchObject({
      outcome: 'ok',
      targetIds: JSON.stringify([again.id]),
      ip: null,
      userAgent: null,
    });

    // A second POST is refused and changes nothing.
    const once = snapshot(t);
    const second = await t.app.request(path, { method: 'POST' });
    expect(second.status).toBe(410);
    expect(await second.text()).toContain('allerede brukt');
    const after = snapshot(t);
    expect({ ...after, log: 0 }).toEqual({ ...once, log: 0 });
    expect((await t.app.request(path)).status).toBe(410);
  });

  it('an expired link is refused and changes nothing', async () => {
    const { t, again } = await suppressedAndAgain();
    const past = Date.now() - CONFIRMATION_TTL_MS - 1000;
    const token = t.handle.db.transaction((tx) => {
      const [lead] = leadsInScope(tx, ALL, [again.id]);
      if (!lead) throw new Error('lead');
      return issueConsentConfirmation(tx, lead, ['marketing_email'], past);
    });
    const before = snapshot(t);
    expect((await t.app.request(`/confirm-consent/${token}`)).status).toBe(410);
    const res = await t.app.request(`/confirm-consent/${token}`, { method: 'POST' });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('utløpt');
    expect({ ...snapshot(t), log: 0 }).toEqual({ ...before, log: 0 });
    // Just inside the period it still works.
    const fresh = t.handle.db.transaction((tx) => {
      const [lead] = leadsInScope(tx, ALL, [again.id]);
      if (!lead) throw new Error('lead');
      return issueConsentConfirmation(tx, lead, ['marketing_email'], 1_000_000);
    });
    expect(
      confirmConsentByToken(
        t.handle.db,
        fresh,
        { requestId: null, ip: null, userAgent: null },
        1_000_000 + CONFIRMATION_TTL_MS - 1,
      ),
    ).toMatchObject({ kind: 'confirmed' });
  });

  it('answers an unknown or malformed token with 404', async () => {
    const { t } = await suppressedAndAgain();
    for (const token of ['a'.repeat(32), 'x', '%00']) {
      expect((await t.app.request(`/confirm-consent/${token}`)).status, token).toBe(404);
      expect((await t.app.request(`/confirm-consent/${token}`, { method: 'POST' })).status).toBe(
        404,
      );
    }
  });

  it('a plain SHA-256 of the address is not what the table holds', async () => {
    const { t } = await suppressedAndAgain();
    const plain = createHash('sha256').update('kari.nordmann@example.no').digest('hex');
    const rows = t.handle.db.select().from(schema.suppressions).all();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.kind === 'hmac')).toBe(true);
    expect(rows.map((r) => r.emailHash)).not.toContain(plain);
  });
});

describe('opt-outs from before the key', () => {
  it('a legacy plain-SHA-256 row still keeps a new form and the audience suppressed', async () => {
    const t = publicApp();
    const plain = createHash('sha256').update('gammel@example.no').digest('hex');
    t.handle.db
      .insert(schema.suppressions)
      .values({ emailHash: plain, purpose: 'marketing_email', at: 1 })
      .run();
    const lead = await form(t, 'alfa-park', { email: 'Gammel@Example.no', marketingEmail: true });
    expect(consentOf(t, lead.id)).toEqual({ email: false, sms: false });
    // An imported lead that carries consent is still left out of the audience.
    const imported = makeLead(
      t.handle.db,
      { id: t.f.projectB, subsidiaryId: t.f.subB },
      {
        email: 'gammel@example.no',
        consent: { marketing_email: true },
      },
    );
    expect(await audienceIds(t, 'marketing_email')).not.toContain(imported);
  });
});

describe('the suppression key', () => {
  it('comes from SUPPRESSION_KEY, or a 0600 file made once beside the database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-suppression-key-'));
    try {
      const env = loadEnv({ DATABASE_PATH: join(dir, 'db', 'x.db') });
      const first = loadSuppressionKey(env);
      expect(first).toHaveLength(32);
      const file = join(dir, 'db', 'suppression.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadSuppressionKey(env).equals(first)).toBe(true);
      const fromEnv = loadSuppressionKey({ ...env, SUPPRESSION_KEY: 'k'.repeat(40) });
      expect(fromEnv.toString()).toBe('k'.repeat(40));
      writeFileSync(join(dir, 'bad.key'), 'not a key\n');
      expect(() =>
        loadSuppressionKey({ ...env, SUPPRESSION_KEY_FILE: join(dir, 'bad.key') }),
      ).toThrow(/does not hold a suppression key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
