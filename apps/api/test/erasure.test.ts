import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addLeadNote,
  insertOutbox,
  isSuppressed,
  iterateLeadsForExport,
  leadsInScope,
  listAudience,
  schema,
  withdrawConsent,
} from '@mg/db';
import { makeLead } from '@mg/db/testing';
import { leadFilterSchema, scopeFor } from '@mg/shared';
import { eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { processOutbox } from '../src/jobs/outbox';
import { SYSTEM_SCOPE } from '../src/jobs/retention';
import { OPERATOR, staff } from '../src/lib/access-log';
import { checkAuditLog } from '../src/lib/audit-check';
import { anonymiseNow } from '../src/lib/erasure';
import { createMailer } from '../src/lib/mail';
import { outcome, setup, testAnchors } from './helpers';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Words that occur nowhere else, so finding one in the raw bytes means it leaked. */
const PERSON = {
  name: 'Zebulon Quarkfield',
  email: 'zebulon.quarkfield@example.no',
  phone: '+4798712345',
  message: 'Ønsker tilbud på Xylofonvegg snarest',
  note: 'Ringte om Kvarkbalkongen i kveld',
};
const SECRETS = [
  'Zebulon',
  'Quarkfield',
  'quarkfield',
  'zebulon.quarkfield@example.no',
  '98712345',
  'Xylofonvegg',
  'Kvarkbalkongen',
];

/** The person with two leads (A and B), notes, a sent receipt, a saved view searching them. */
async function person() {
  const t = setup();
  const { handle, f } = t;
  const outboxDir = mkdtempSync(join(tmpdir(), 'mg-erasure-outbox-'));
  dirs.push(outboxDir);
  const refs = handle.db.transaction((tx) => {
    const idA = makeLead(
      tx,
      { id: f.projectA, subsidiaryId: f.subA },
      { ...PERSON, consent: { marketing_email: true } },
    );
    const idB = makeLead(tx, { id: f.projectB, subsidiaryId: f.subB }, { ...PERSON });
    const [a, b] = leadsInScope(tx, SYSTEM_SCOPE, [idA, idB]);
    if (!a || !b) throw new Error('fixture leads missing');
    for (const lead of [a, b]) {
      addLeadNote(tx, { lead, body: PERSON.note, actorUserId: f.users.admin });
      insertOutbox(tx, {
        kind: 'consent_receipt',
        leadId: lead.id,
        subsidiaryId: null,
        toAddress: PERSON.email,
        subject: 'Kvittering',
        body: `Hei ${PERSON.name}, takk for henvendelsen: ${PERSON.message}`,
      });
    }
    // The person opted out of e-mail on lead A: the opt-out must outlive the erasure.
    withdrawConsent(tx, {
      lead: a,
      purposes: ['marketing_email'],
      source: 'unsubscribe_link',
      actorUserId: null,
      at: Date.now(),
    });
    return [a, b];
  });
  const mailer = createMailer({ OUTBOX_DIR: outboxDir, MAIL_FROM: 'test@example.no' });
  const sent = await processOutbox({ db: handle.db, mailer, log: silent });
  expect(sent.sent).toBeGreaterThanOrEqual(2);
  await t.as('userA').view.save({
    name: 'Oppfølging',
    visibility: 'personal',
    filter: leadFilterSchema.parse({ search: 'quarkfield' }),
  });
  const ids = refs.map((r) => r.id);
  return { ...t, outboxDir, ids };
}

/** Every file that could hold a copy: the database, its -wal and -shm, the .eml files. */
function rawBytes(dbFile: string, outboxDir: string): Buffer[] {
  const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((p) => existsSync(p));
  for (const name of readdirSync(outboxDir)) files.push(join(outboxDir, name));
  return files.map((p) => readFileSync(p));
}

function leaks(buffers: Buffer[]): string[] {
  return SECRETS.filter((s) =>
    buffers.some(
      (b) => b.includes(Buffer.from(s, 'utf8')) || b.includes(Buffer.from(s, 'utf16le')),
    ),
  );
}

describe('anonymisation', () => {
  it('leaves none of the personal data in the database, its WAL or shm, or OUTBOX_DIR', async () => {
    const t = await person();
    const file = t.handle.sqlite.name;
    // Proof the check can see the data: it is there before.
    expect(leaks(rawBytes(file, t.outboxDir)).length).toBeGreaterThan(0);
    const consentBefore = t.handle.db
      .select({ id: schema.consentEvents.id })
      .from(schema.consentEvents)
      .where(inArray(schema.consentEvents.leadId, t.ids))
      .all();

    const result = await anonymiseNow(t.handle.db, {
      scope: SYSTEM_SCOPE,
      ids: t.ids,
      reason: { kind: 'request', requestId: 7 },
      by: {
        actor: staff({ id: t.f.users.privacy_officer, role: 'privacy_officer' }),
        request: { requestId: 'r1', ip: null, userAgent: null },
      },
      outboxDir: t.outboxDir,
    });
    expect(result.anonymised.sort()).toEqual([...t.ids].sort());
    expect(result.skipped).toEqual([]);
    expect(result.filesRemoved).toBeGreaterThanOrEqual(2);

    expect(leaks(rawBytes(file, t.outboxDir))).toEqual([]);

    // Statistics remain: the rows with project, subsidiary, status, dates; consent events.
    const rows = t.handle.db
      .select()
      .from(schema.leads)
      .where(inArray(schema.leads.id, t.ids))
      .all();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.anonymisedAt).not.toBeNull();
      expect([r.name, r.email, r.phone, r.message]).toEqual([null, null, null, null]);
      expect(r.projectId).toBeGreaterThan(0);
      expect(r.status).toBe('new');
    }
    const consentAfter = t.handle.db
      .select({ id: schema.consentEvents.id })
      .from(schema.consentEvents)
      .where(inArray(schema.consentEvents.leadId, t.ids))
      .all();
    expect(consentAfter).toEqual(consentBefore);
    expect(consentAfter.length).toBeGreaterThan(0);
    // The opt-out survives.
    expect(isSuppressed(t.handle.db, { email: PERSON.email, purpose: 'marketing_email' })).toBe(
      true,
    );
    // One entry for the run, with the ids and the reason; the chain verifies.
    const entries = t.entries().filter((e) => e.action === 'lead.anonymise');
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]?.detail ?? '{}')).toMatchObject({
      reason: 'request',
      requestId: 7,
      anonymised: 2,
    });
    // Through the one entry builder: who ran it and in which request, no address.
    expect(entries[0]).toMatchObject({
      actorUserId: t.f.users.privacy_officer,
      actorRole: 'privacy_officer',
      requestId: 'r1',
      ip: null,
    });
    const check = checkAuditLog(t.handle.db, testAnchors(t.handle), 'full');
    expect(check.ok).toBe(true);

    // Search no longer finds the person; the saved view no longer holds the search.
    const found = await t.as('admin').lead.list({ search: 'Quarkfield' });
    expect(found.items).toEqual([]);
    const views = await t.as('userA').view.list();
    expect(views.every((v) => !JSON.stringify(v).includes('quarkfield'))).toBe(true);
    expect(views.length).toBeGreaterThan(0);
    // Shown as anonymised and refused for edits.
    const [a] = t.ids;
    const page = await t.as('userA').lead.byId({ id: a ?? 0 });
    expect(page.lead.anonymisedAt).not.toBeNull();
    expect(page.lead.name).toBeNull();
    expect(page.activity.every((x) => x.body === null)).toBe(true);
    expect(await outcome(t.as('userA').lead.addNote({ id: a ?? 0, body: 'Ny notat' }))).toBe(
      'CONFLICT',
    );
  });

  it('keeps a lead under legal hold intact and reports it as skipped with the reason', async () => {
    const t = await person();
    const [a, b] = t.ids as [number, number];
    await t
      .as('privacy_officer')
      .lead.setLegalHold({ id: b, on: true, reason: 'Tvist om kontrakt' });
    const result = await anonymiseNow(t.handle.db, {
      scope: SYSTEM_SCOPE,
      ids: [a, b],
      reason: { kind: 'cli' },
      by: { actor: OPERATOR, request: { requestId: 'cli', ip: null, userAgent: null } },
      outboxDir: t.outboxDir,
    });
    expect(result.anonymised).toEqual([a]);
    expect(result.skipped).toEqual([{ id: b, reason: 'legalHold' }]);
    const held = t.handle.db.select().from(schema.leads).where(eq(schema.leads.id, b)).get();
    expect(held).toMatchObject({ name: PERSON.name, email: PERSON.email, anonymisedAt: null });
    const entry = t.entries().find((e) => e.action === 'lead.anonymise');
    expect(JSON.parse(entry?.detail ?? '{}').skipped).toEqual([{ id: b, reason: 'legalHold' }]);
    // The held lead is still found.
    const found = await t.as('admin').lead.list({ search: 'Quarkfield' });
    expect(found.items.map((i) => i.id)).toEqual([b]);
  });
});

describe('legal hold, restriction and objection', () => {
  it('sets and lifts a legal hold with a reason, who and when, and logs it', async () => {
    const t = setup();
    const id = t.f.leadsA[1] ?? 0;
    expect(
      await outcome(t.as('privacy_officer').lead.setLegalHold({ id, on: true, reason: ' ' })),
    ).toBe('BAD_REQUEST');
    await t.as('privacy_officer').lead.setLegalHold({ id, on: true, reason: 'Tvist' });
    const flags = await t.as('userA').lead.privacy({ id });
    expect(flags).toMatchObject({
      legalHold: true,
      legalHoldReason: 'Tvist',
      legalHoldByName: expect.any(String),
    });
    expect(flags.legalHoldAt).toBeGreaterThan(0);
    expect(t.lastEntry()?.action).toBe('lead.privacy');
    await t.as('admin').lead.setLegalHold({ id, on: false, reason: 'Saken er avsluttet' });
    expect((await t.as('userA').lead.privacy({ id })).legalHold).toBe(false);
    const logged = t.entries().filter((e) => e.action === 'lead.setLegalHold');
    expect(logged.map((e) => JSON.parse(e.detail ?? '{}').on)).toEqual([true, false]);
    // The reason is not in the log (it may name people).
    expect(logged.some((e) => (e.detail ?? '').includes('Tvist'))).toBe(false);
  });

  it('a restricted lead is read-only and missing from the lead CSV and the audience export', async () => {
    const t = setup();
    const lead = t.f.leadsA[0] ?? 0; // consented to e-mail in the fixture
    const scope = scopeFor({ role: 'admin', subsidiaryId: null });
    const inAudience = () =>
      [...listAudience(t.handle.db, { scope, purpose: 'marketing_email' })].flat().map((r) => r.id);
    const inCsv = () =>
      [...iterateLeadsForExport(t.handle.db, { scope, filter: leadFilterSchema.parse({}) })]
        .flat()
        .map((r) => r.id);
    expect(inAudience()).toContain(lead);
    expect(inCsv()).toContain(lead);
    await t.as('privacy_officer').lead.setRestricted({ id: lead, on: true, reason: 'Art. 18' });
    expect(inAudience()).not.toContain(lead);
    expect(inCsv()).not.toContain(lead);
    expect(await outcome(t.as('userA').lead.updateStatus({ id: lead, status: 'contacted' }))).toBe(
      'CONFLICT',
    );
    await t.as('privacy_officer').lead.setRestricted({ id: lead, on: false, reason: 'Avklart' });
    expect(inCsv()).toContain(lead);
  });

  it('an objection is recorded with its reason; other than marketing, it restricts the lead', async () => {
    const t = setup();
    const id = t.f.leadsA[0] ?? 0;
    const marketing = await t
      .as('privacy_officer')
      .lead.object({ id, kind: 'marketing', reason: 'Vil ikke ha reklame' });
    expect(marketing).toMatchObject({ restricted: false, withdrawn: ['marketing_email'] });
    const other = await t
      .as('privacy_officer')
      .lead.object({ id, kind: 'other', reason: 'Mener behandlingen er urettmessig' });
    expect(other.restricted).toBe(true);
    const flags = await t.as('admin').lead.privacy({ id });
    expect(flags.restricted).toBe(true);
    expect(flags.objections.map((o) => o.kind).sort()).toEqual(['marketing', 'other']);
    expect(await outcome(t.as('userA').lead.object({ id, kind: 'other', reason: 'x' }))).toBe(
      'FORBIDDEN',
    );
  });
});
