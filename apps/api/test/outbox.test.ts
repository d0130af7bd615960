import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schema } from '@mg/db';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  createOutboxWorker,
  OUTBOX_MAX_ATTEMPTS,
  processOutbox,
  retryDelay,
} from '../src/jobs/outbox';
import { createMailer, describeMailError, type Mailer, type MailMessage } from '../src/lib/mail';
import { postJson, publicApp, validLead } from './public-helpers';

const silent = pino({ level: 'silent' });

/**
 * A lead through the real intake, with distinctive personal data to look for in the mail.
 * No marketing consent, so the subsidiary's notification is the only message (the consumer's
 * receipt has tests of its own in receipt.test.ts).
 */
async function intake() {
  const t = publicApp();
  const res = await postJson(
    t.app,
    'alfa-park',
    validLead({
      name: 'Gunnhild Særpreg',
      email: 'gunnhild.saerpreg@example.no',
      phone: '+4793456789',
      message: 'Hemmelig-melding-123',
    }),
  );
  const { id } = (await res.json()) as { id: number };
  const row = () =>
    t.handle.db.select().from(schema.outbox).where(eq(schema.outbox.leadId, id)).get();
  return { ...t, leadId: id, row };
}

function recordingMailer(fail: (n: number) => Error | null = () => null) {
  const sent: MailMessage[] = [];
  let calls = 0;
  const mailer: Mailer = {
    kind: 'files',
    async send(m) {
      const error = fail(++calls);
      if (error) throw error;
      sent.push(m);
    },
    close() {},
  };
  return { mailer, sent, calls: () => calls };
}

function smtpError(code: string, responseCode?: number) {
  return Object.assign(new Error('550 <gunnhild.saerpreg@example.no>: mailbox unavailable'), {
    code,
    responseCode,
  });
}

describe('the notification to the subsidiary', () => {
  it('is an .eml file (no SMTP_URL) with a link and no personal data', async () => {
    const t = await intake();
    const dir = mkdtempSync(join(tmpdir(), 'mg-outbox-'));
    const mailer = createMailer({ OUTBOX_DIR: dir, MAIL_FROM: 'MG Leads <no-reply@test.no>' });
    expect(mailer.kind).toBe('files');
    const now = Date.now();
    expect(await processOutbox({ db: t.handle.db, mailer, log: silent }, now)).toEqual({
      sent: 1,
      retrying: 0,
      failed: 0,
    });
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    // Undo quoted-printable (soft line breaks, =XX bytes) so nothing hides across a break.
    const raw = readFileSync(join(dir, files[0] ?? ''), 'utf8');
    const eml = Buffer.from(
      raw
        .replace(/=\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
    rmSync(dir, { recursive: true, force: true });
    const subsidiary = t.handle.db
      .select({ contactEmail: schema.subsidiaries.contactEmail })
      .from(schema.subsidiaries)
      .where(eq(schema.subsidiaries.id, t.f.subA))
      .get();
    expect(eml).toContain(`To: ${subsidiary?.contactEmail}`);
    expect(eml).toContain(`https://leads.example.no/leads/${t.leadId}`);
    expect(eml).toContain('Subject: Ny interessent: Alfa Park');
    expect(eml).toContain('Åpne henvendelsen i MG Leads');
    for (const personal of [
      'Gunnhild',
      'rpreg',
      'gunnhild.saerpreg',
      '93456789',
      '934 56 789',
      'Hemmelig-melding',
    ])
      expect(eml, personal).not.toContain(personal);
    expect(t.row()).toMatchObject({ status: 'sent', attempts: 1, sentAt: now, lastError: null });
  });

  it('uses SMTP when SMTP_URL is set', () => {
    const mailer = createMailer({
      SMTP_URL: 'smtp://user:pass@127.0.0.1:2525',
      OUTBOX_DIR: 'unused',
      MAIL_FROM: 'x@test.no',
    });
    expect(mailer.kind).toBe('smtp');
    mailer.close();
  });
});

describe('retries with back-off', () => {
  it('reschedules a failure, keeps no personal data from the error, and gives up after 6', async () => {
    const t = await intake();
    const { mailer } = recordingMailer(() => smtpError('EENVELOPE', 550));
    const deps = { db: t.handle.db, mailer, log: silent };
    let now = Date.now();
    await processOutbox(deps, now);
    expect(t.row()).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: now + 60_000,
      lastError: 'EENVELOPE 550',
    });
    // Not due yet: nothing happens.
    expect(await processOutbox(deps, now + 30_000)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(t.row()?.attempts).toBe(1);
    for (let attempt = 2; attempt <= OUTBOX_MAX_ATTEMPTS; attempt++) {
      now = t.row()?.nextAttemptAt ?? 0;
      await processOutbox(deps, now);
      const row = t.row();
      expect(row?.attempts).toBe(attempt);
      if (attempt < OUTBOX_MAX_ATTEMPTS) {
        expect(row?.status).toBe('pending');
        expect(row?.nextAttemptAt).toBe(now + retryDelay(attempt));
      } else {
        expect(row?.status).toBe('failed');
      }
    }
    expect(retryDelay(2)).toBe(120_000);
    expect(JSON.stringify(t.row())).not.toMatch(/gunnhild|mailbox/i);
    // A failed message stays failed.
    expect(await processOutbox(deps, now + 86_400_000)).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
    });
  });

  it('sends on a later attempt', async () => {
    const t = await intake();
    const { mailer, sent } = recordingMailer((n) => (n === 1 ? smtpError('ECONNECTION') : null));
    const deps = { db: t.handle.db, mailer, log: silent };
    const now = Date.now();
    await processOutbox(deps, now);
    expect(t.row()).toMatchObject({ status: 'pending', lastError: 'ECONNECTION' });
    await processOutbox(deps, now + 60_000);
    // Sent: its copy of the mail (body, headers) is blanked, nothing else of the row changes.
    expect(t.row()).toEqual({
      id: expect.any(Number),
      kind: 'lead_notification',
      leadId: t.leadId,
      subsidiaryId: expect.any(Number),
      toAddress: expect.any(String),
      subject: expect.any(String),
      status: 'sent',
      attempts: 2,
      nextAttemptAt: now + 60_000 + 5 * 60_000,
      sentAt: now + 60_000,
      lastError: null,
      body: '',
      headers: null,
      createdAt: expect.any(Number),
    });
    expect(sent).toHaveLength(1);
  });

  it("blanks every sent message's copy of the mail, the receipt's headers too", async () => {
    const t = publicApp();
    const res = await postJson(t.app, 'alfa-park', validLead({ marketingEmail: true }));
    const { id } = (await res.json()) as { id: number };
    const rows = () =>
      t.handle.db
        .select({
          kind: schema.outbox.kind,
          status: schema.outbox.status,
          body: schema.outbox.body,
          headers: schema.outbox.headers,
        })
        .from(schema.outbox)
        .where(eq(schema.outbox.leadId, id))
        .orderBy(schema.outbox.id)
        .all();
    // Before: the receipt carries its List-Unsubscribe headers.
    expect(rows().map((r) => [r.kind, r.body !== '', r.headers !== null])).toEqual([
      ['lead_notification', true, false],
      ['consent_receipt', true, true],
    ]);
    const { mailer, sent } = recordingMailer();
    await processOutbox({ db: t.handle.db, mailer, log: silent });
    expect(sent).toHaveLength(2);
    expect(rows()).toEqual([
      { kind: 'lead_notification', status: 'sent', body: '', headers: null },
      { kind: 'consent_receipt', status: 'sent', body: '', headers: null },
    ]);
  });

  it('describes errors by code only', () => {
    expect(describeMailError(smtpError('EAUTH', 535))).toBe('EAUTH 535');
    expect(describeMailError(new TypeError('x@y.no'))).toBe('TypeError');
    expect(describeMailError(Object.assign(new Error('x'), { code: 'has space x@y' }))).toBe(
      'Error',
    );
    expect(describeMailError('boom')).toBe('unknown');
  });
});

describe('the worker', () => {
  it('never sends a message twice, however often it is kicked', async () => {
    const t = await intake();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sent: number[] = [];
    const mailer: Mailer = {
      kind: 'files',
      async send(m) {
        await gate;
        sent.push(m.outboxId ?? 0);
      },
      close() {},
    };
    const deps = { db: t.handle.db, mailer, log: silent };
    const worker = createOutboxWorker(deps);
    worker.kick();
    worker.kick();
    worker.kick();
    // A second process-like run at the same time finds the message claimed.
    const parallel = processOutbox(deps);
    release();
    await parallel;
    await worker.idle();
    expect(sent).toEqual([t.row()?.id]);
    expect(t.row()?.status).toBe('sent');
  });

  it('stops for shutdown: no new runs after stop()', async () => {
    const t = await intake();
    const { mailer, sent } = recordingMailer();
    const worker = createOutboxWorker({ db: t.handle.db, mailer, log: silent });
    await worker.stop();
    worker.kick();
    await worker.idle();
    expect(sent).toHaveLength(0);
    expect(t.row()?.status).toBe('pending');
  });
});
