import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePolicyVersion } from '@mg/db/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { processOutbox } from '../src/jobs/outbox';
import { createMailer, senderFor } from '../src/lib/mail';
import { postForm, postJson, publicApp, validLead } from './public-helpers';

/**
 * What a consumer sees — every public page and the receipt mail — carries the company's name,
 * "Mestergruppen Eiendom", never the product name, and dates the Norwegian way, never ISO.
 * The pages are walked the way a person meets them: form, errors, thanks, policy, receipt,
 * unsubscribe (before and after), double opt-in, and the dead-link pages.
 */

const silent = pino({ level: 'silent' });
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;
/** "1. des. 2026 kl. 14:05" (the shared formatter's nb date-time). */
const NB_DATE_TIME = /\d{1,2}\. [a-zæøå]+\.? \d{4} kl\. \d{2}:\d{2}/;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type T = ReturnType<typeof publicApp>;

/** Send what the outbox holds into .eml files and return them, quoted-printable undone. */
async function sendAll(t: T) {
  const dir = mkdtempSync(join(tmpdir(), 'mg-brand-'));
  dirs.push(dir);
  // The operator's configured sender still names the product: the consumer must not see it.
  const mailer = createMailer({ OUTBOX_DIR: dir, MAIL_FROM: 'MG Leads <no-reply@test.no>' });
  await processOutbox({ db: t.handle.db, mailer, log: silent });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      const split = raw.indexOf('\n\n');
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

/** The consumer's receipt among the sent mails (the subsidiary's notice goes elsewhere). */
function receiptOf(emls: string[]) {
  const eml = emls.find((e) => /^To: kari\.nordmann@example\.no$/m.test(e));
  if (!eml) throw new Error('no receipt was sent');
  return eml;
}

/**
 * What a person reads: a page's text without its tags (a hidden field may carry a version
 * label as the machine knows it), or a mail as sent.
 */
const readable = (html: string) => html.replace(/<[^>]*>/g, ' ');

function expectConsumerFacing(what: string, text: string) {
  expect(text, what).toContain('Mestergruppen Eiendom');
  expect(text, what).not.toMatch(/MG\s*Leads/i);
  expect(readable(text), what).not.toMatch(ISO_DATE);
}

/** The version in force gets a label that is a date, as real labels often are. */
function dateLabelledPolicy(t: T) {
  t.handle.db.transaction((tx) =>
    makePolicyVersion(tx, { label: '2025-01-01', effectiveDate: '2025-01-01', body: 'Tekst' }),
  );
}

describe('what the consumer sees', () => {
  it('names Mestergruppen Eiendom, never MG Leads, and shows no ISO dates', async () => {
    const t = publicApp();
    dateLabelledPolicy(t);
    const pages: [string, string][] = [];
    const visit = async (path: string, init?: RequestInit) => {
      const res = await t.app.request(path, init);
      pages.push([`${init?.method ?? 'GET'} ${path} (${res.status})`, await res.text()]);
      return res;
    };

    for (const lang of ['', '?lang=en']) {
      await visit(`/skjema/alfa-park${lang}`);
      await visit(`/skjema/alfa-park/takk${lang}`);
      await visit(`/skjema/finnes-ikke${lang}`);
      await visit(`/personvern${lang}`);
      await visit(`/personvern${lang ? `${lang}&` : '?'}versjon=finnes-ikke`);
      await visit(`/unsubscribe/${'a'.repeat(32)}${lang}`);
      await visit(`/confirm-consent/${'a'.repeat(32)}${lang}`);
    }
    // The form answered with its errors.
    const invalid = await postForm(t.app, 'alfa-park', { hosted: '1', name: '', email: 'x' });
    expect(invalid.status).toBe(400);
    pages.push(['POST /api/intake/alfa-park (400)', await invalid.text()]);

    // A form with consent: the receipt, then its unsubscribe link before and after.
    const sent = await postJson(t.app, 'alfa-park', validLead({ marketingEmail: true }));
    expect(sent.status).toBe(201);
    const receipt = receiptOf(await sendAll(t));
    expect(receipt).toMatch(/^From: Mestergruppen Eiendom <no-reply@test\.no>$/m);
    expectConsumerFacing('the receipt', receipt);
    expect(receipt).toMatch(new RegExp(`Vi mottok skjemaet ${NB_DATE_TIME.source}\\.`));
    expect(receipt).toContain('personvernerklæringen vår (versjon 1. jan. 2025)');
    const unsubscribe = new URL(/https:\/\/\S+\/unsubscribe\/[a-z2-7]{32}/.exec(receipt)?.[0] ?? '')
      .pathname;
    await visit(unsubscribe);
    await visit(unsubscribe, { method: 'POST' });
    await visit(unsubscribe);
    await visit(`${unsubscribe}?lang=en`);

    // Consent again from the now-suppressed address: the receipt asks to confirm, with a date.
    await postJson(t.app, 'alfa-park', validLead({ marketingEmail: true }));
    const second = receiptOf(await sendAll(t));
    expectConsumerFacing('the double opt-in receipt', second);
    expect(second).toMatch(new RegExp(`lenken virker én gang, til ${NB_DATE_TIME.source}\\)`));
    const confirm = new URL(/https:\/\/\S+\/confirm-consent\/[a-z2-7]{32}/.exec(second)?.[0] ?? '')
      .pathname;
    await visit(confirm);
    await visit(`${confirm}?lang=en`);
    await visit(confirm, { method: 'POST' });
    await visit(confirm, { method: 'POST' });

    expect(pages.length).toBeGreaterThan(20);
    for (const [what, html] of pages) {
      expectConsumerFacing(what, html);
      expect(html, what).toMatch(/<title>[^<]*Mestergruppen Eiendom<\/title>/);
    }
  });

  it('shows the policy date the Norwegian way (and the British way in English)', async () => {
    const t = publicApp();
    const nb = await (await t.app.request('/personvern')).text();
    expect(nb).toContain('Versjon test-1, gjelder fra 17. juni 2024.');
    const en = await (await t.app.request('/personvern?lang=en')).text();
    expect(en).toContain('Version test-1, in force from 17 Jun 2024.');
    dateLabelledPolicy(t);
    const dated = await (await t.app.request('/personvern')).text();
    expect(dated).toContain('Versjon 1. jan. 2025, gjelder fra 1. jan. 2025.');
    const form = await (await t.app.request('/skjema/alfa-park')).text();
    expect(form).toContain('(versjon 1. jan. 2025)');
  });
});

describe('senderFor', () => {
  it("keeps MAIL_FROM's name only for staff notices", () => {
    const from = 'MG Leads <no-reply@mestergruppen.no>';
    expect(senderFor(from, 'lead_notification')).toBe(from);
    expect(senderFor(from, 'user_invitation')).toBe(from);
    const consumer = { name: 'Mestergruppen Eiendom', address: 'no-reply@mestergruppen.no' };
    expect(senderFor(from, 'consent_receipt')).toEqual(consumer);
    // A kind nobody listed (a data subject's mail, say) is the consumer's by default.
    expect(senderFor(from, 'dsr_verification')).toEqual(consumer);
    expect(senderFor(from, undefined)).toEqual(consumer);
    expect(senderFor('no-reply@mestergruppen.no', 'consent_receipt')).toEqual(consumer);
  });
});
