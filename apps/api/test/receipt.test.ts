import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@mg/db';
import { formatDateTime, formatVersionLabel } from '@mg/shared';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { processOutbox } from '../src/jobs/outbox';
import { consentReceipt, NOTIFICATION_KIND, RECEIPT_KIND } from '../src/lib/intake';
import { createMailer } from '../src/lib/mail';
import { callerFor, postJson, publicApp, validLead } from './public-helpers';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function intake(over: Record<string, unknown>) {
  const t = publicApp();
  const res = await postJson(t.app, 'alfa-park', validLead(over));
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: number };
  const rows = (kind: string) =>
    t.handle.db
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.leadId, id), eq(schema.outbox.kind, kind)))
      .all();
  const lead = () =>
    t.handle.db
      .select({ consentEmail: schema.leads.consentEmail, consentSms: schema.leads.consentSms })
      .from(schema.leads)
      .where(eq(schema.leads.id, id))
      .get();
  return { ...t, leadId: id, rows, lead };
}

/** Send the outbox into a temp OUTBOX_DIR and return the .eml files (quoted-printable undone). */
async function sendAll(t: Awaited<ReturnType<typeof intake>>) {
  const dir = mkdtempSync(join(tmpdir(), 'mg-receipt-'));
  dirs.push(dir);
  const mailer = createMailer({ OUTBOX_DIR: dir, MAIL_FROM: 'MG Leads <no-reply@test.no>' });
  await processOutbox({ db: t.handle.db, mailer, log: silent });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      const split = raw.indexOf('\n\n');
      // Unfold long header lines (RFC 5322 folding) and undo quoted-printable in the body.
      const head = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
      const body = Buffer.from(
        raw
          .slice(split)
          .replace(/=\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('utf8');
      return head + body;
    });
}

describe("the consumer's consent receipt", () => {
  it('is queued only when a marketing consent was given', async () => {
    const none = await intake({});
    expect(none.rows(RECEIPT_KIND)).toHaveLength(0);
    expect(none.rows(NOTIFICATION_KIND)).toHaveLength(1);

    const sms = await intake({ marketingSms: true });
    const [receipt] = sms.rows(RECEIPT_KIND);
    expect(receipt).toMatchObject({
      toAddress: 'kari.nordmann@example.no',
      subsidiaryId: null,
      status: 'pending',
      subject: 'Takk for interessen for Alfa Park',
    });
    expect(receipt?.body).toContain('nyheter og tilbud på SMS');
    expect(receipt?.body).not.toContain('på e-post');
  });

  it('for a purpose the e-mail has opted out of, asks to confirm instead (double opt-in)', async () => {
    const t = await intake({ marketingEmail: true });
    const eml = (await sendAll(t)).find((e) => e.includes('List-Unsubscribe'));
    const url = /https:\/\/leads\.example\.no\/unsubscribe\/[a-z2-7]{32}/.exec(eml ?? '')?.[0];
    expect(url).toBeDefined();
    await t.app.request(new URL(url ?? '').pathname, { method: 'POST' });
    const again = await postJson(t.app, 'alfa-park', validLead({ marketingEmail: true }));
    const { id } = (await again.json()) as { id: number };
    const receipts = t.handle.db
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.leadId, id), eq(schema.outbox.kind, RECEIPT_KIND)))
      .all();
    expect(receipts).toHaveLength(1);
    const body = receipts[0]?.body ?? '';
    expect(body).not.toContain('Du har samtykket');
    expect(body).toContain('Du har tidligere meldt deg av nyheter og tilbud på e-post');
    expect(body).toMatch(/https:\/\/leads\.example\.no\/confirm-consent\/[a-z2-7]{32}/);
  });

  it('is mailed with RFC 8058 headers and a link that confirms on GET and withdraws on POST', async () => {
    const t = await intake({ marketingEmail: true });
    const emls = await sendAll(t);
    expect(emls).toHaveLength(2);
    const eml = emls.find((e) => e.includes('To: kari.nordmann@example.no')) ?? '';
    expect(eml).toContain('Subject: Takk for interessen for Alfa Park');
    expect(eml).toContain('nyheter og tilbud på e-post');
    expect(eml).toMatch(/personvernerklæringen vår \(versjon [^)]+\)/);
    const header =
      /^List-Unsubscribe: <(https:\/\/leads\.example\.no\/unsubscribe\/[a-z2-7]{32})>$/m.exec(eml);
    expect(header).not.toBeNull();
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const url = header?.[1] ?? '';
    // The same link is in the text.
    expect(eml.split('\n')).toContain(url);
    // The subsidiary's notification carries no unsubscribe link.
    const notice = emls.find((e) => e !== eml) ?? '';
    expect(notice).not.toContain('List-Unsubscribe');

    const path = new URL(url).pathname;
    const logBefore = t.handle.db.select().from(schema.accessLog).all().length;
    const get = await t.app.request(path);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('Meld meg av');
    expect(t.lead()).toEqual({ consentEmail: true, consentSms: false });
    expect(t.handle.db.select().from(schema.accessLog).all()).toHaveLength(logBefore);

    // One-click, as a mail client sends it.
    const post = await t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect(t.lead()).toEqual({ consentEmail: false, consentSms: false });
  });

  it('leaves no live token in the outbox once sent', async () => {
    const t = await intake({ marketingEmail: true, marketingSms: true });
    const before = t.rows(RECEIPT_KIND)[0];
    const token = /\/unsubscribe\/([a-z2-7]{32})/.exec(before?.body ?? '')?.[1] ?? '';
    expect(token).toHaveLength(32);
    expect(before?.headers).toContain(token);

    await sendAll(t);
    const after = t.rows(RECEIPT_KIND)[0];
    expect(after).toMatchObject({
      status: 'sent',
      attempts: 1,
      subject: 'Takk for interessen for Alfa Park',
      body: '',
      headers: null,
    });
    const everything = JSON.stringify(t.handle.db.select().from(schema.outbox).all());
    expect(everything).not.toContain(token);
  });

  it('is not part of the forwarding log', async () => {
    const t = await intake({ marketingEmail: true });
    const items = await callerFor(t, 'admin').consent.forwarding({ leadId: t.leadId });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: NOTIFICATION_KIND, toSubsidiaryId: t.f.subA });
  });
});

describe('the receipt text', () => {
  const base = {
    projectName: 'Alfa Park',
    purposes: ['marketing_email'] as const,
    baseUrl: 'https://leads.example.no',
    token: 'tok',
  };

  it('says when the form came, to the minute, however often it is asked (kept per minute)', () => {
    // Across a minute boundary, back again, and over both clock changes of 2026.
    const instants = [
      Date.parse('2026-06-01T10:00:59.999Z'),
      Date.parse('2026-06-01T10:01:00.000Z'),
      Date.parse('2026-06-01T10:00:00.000Z'),
      Date.parse('2026-03-29T00:59:30.000Z'),
      Date.parse('2026-03-29T01:00:30.000Z'),
      Date.parse('2026-10-25T00:59:59.000Z'),
      Date.parse('2026-10-25T01:00:00.000Z'),
      Date.parse('2026-10-25T01:00:00.000Z') + 3_600_000,
    ];
    for (const at of instants) {
      const { body } = consentReceipt({ ...base, policyLabel: null, at });
      expect(body, new Date(at).toISOString()).toContain(
        `Vi mottok skjemaet ${formatDateTime(at)}.`,
      );
    }
  });

  it('names each policy version by its own label', () => {
    const at = Date.parse('2026-06-01T10:00:00Z');
    for (const label of ['2024-06-17', '2025-01-02', 'v3', '2024-06-17'])
      expect(consentReceipt({ ...base, policyLabel: label, at }).body).toContain(
        `(versjon ${formatVersionLabel(label)})`,
      );
  });
});
