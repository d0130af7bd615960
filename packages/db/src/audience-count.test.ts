import { CONSENT_PURPOSES, type Scope, scopeFor, seededRandom } from '@mg/shared';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { faker, makeLead, makeProject, makeSubsidiary } from './factories';
import {
  addressHashes,
  addressHashesPending,
  backfillAddressHashes,
  leadsWithWrongAddressHashes,
} from './queries/address-hash';
import {
  audienceRowsByIds,
  countAudience,
  legacySuppressionHash,
  listAudience,
  listAudienceIds,
  recordSuppression,
  rekeyLegacySuppressions,
} from './queries/consent';
import { anonymiseLeadsIn } from './queries/leads';
import { rectifyLeads } from './queries/subject';
import { leads, suppressions } from './schema';
import { createTestDatabase } from './testing';

/**
 * audience.summary's count (countAudience: one SQL aggregate over the stored address hashes
 * joined with the suppression list) against the export's own rows (listAudience, which tests
 * every key form in JavaScript: the oracle) on random data: shared e-mails and phones,
 * restricted, anonymised and nameless leads, two subsidiaries, with and without opt-outs
 * (HMAC and legacy entries), small keyset chunks; and the hashes kept right by every path
 * that writes an address.
 */

const handle = createTestDatabase();
const { db } = handle;
const random = seededRandom(23);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const EMAILS = Array.from({ length: 40 }, (_, i) => `person${i}@example.no`);
const PHONES = Array.from({ length: 30 }, (_, i) => `+47900${String(10000 + i)}`);
let scopes: Scope[] = [];

function listed(scope: Scope, purpose: (typeof CONSENT_PURPOSES)[number]) {
  const rows = [];
  for (const chunk of listAudience(db, { scope, purpose, chunkSize: 9 })) rows.push(...chunk);
  return rows;
}

function compare() {
  let nonEmpty = 0;
  for (const scope of scopes)
    for (const purpose of CONSENT_PURPOSES) {
      const rows = listed(scope, purpose);
      const expected = rows.length;
      // The export: the same leads selected in SQL, then their rows read back by id in chunks.
      const ids = listAudienceIds(db, { scope, purpose });
      expect(ids, purpose).toEqual(rows.map((r) => r.id));
      expect(
        [0, 7, 14, 21, 28, 35].flatMap((at) =>
          audienceRowsByIds(db, { purpose, ids: ids.slice(at, at + 7) }),
        ),
      ).toEqual(rows.slice(0, 42));
      expect(countAudience(db, { scope, purpose, chunkSize: 7 }), purpose).toBe(expected);
      expect(countAudience(db, { scope, purpose }), purpose).toBe(expected);
      if (expected > 0) nonEmpty++;
    }
  return nonEmpty;
}

beforeAll(() => {
  faker.seed(9);
  const subs = [1, 2].map((i) => makeSubsidiary(db, { name: `Publikum ${i} AS` }));
  const projects = subs.map((s) => ({ id: makeProject(db, s), subsidiaryId: s }));
  scopes = [
    scopeFor({ role: 'admin', subsidiaryId: null }),
    ...subs.map((s) => scopeFor({ role: 'subsidiary_user', subsidiaryId: s })),
  ];
  for (let i = 0; i < 400; i++) {
    const id = makeLead(db, pick(projects), {
      email: pick(EMAILS),
      phone: pick(PHONES),
      createdAt: Date.parse('2025-05-01T10:00:00Z') + i * 60_000,
      consent: { marketing_email: random() < 0.6, marketing_sms: random() < 0.5 },
    });
    const roll = random();
    if (roll < 0.05) db.update(leads).set({ restricted: true }).where(eq(leads.id, id)).run();
    else if (roll < 0.1)
      db.update(leads)
        .set({
          anonymisedAt: 1,
          name: null,
          email: null,
          phone: null,
          emailHmac: null,
          phoneHmac: null,
        })
        .where(eq(leads.id, id))
        .run();
    else if (roll < 0.13) {
      // Own contacts, so that counting them by mistake shows.
      const email = `solo${i}@example.no`;
      const phone = `+4791${String(i).padStart(6, '0')}`;
      db.update(leads)
        .set({ name: '', email, phone, ...addressHashes(db, { email, phone }) })
        .where(eq(leads.id, id))
        .run();
    }
  }
});

describe('countAudience', () => {
  it('equals the export rows without opt-outs (the SQL count)', () => {
    expect(db.select().from(suppressions).all()).toEqual([]);
    expect(addressHashesPending(db)).toBe(false);
    expect(compare()).toBeGreaterThan(4);
  });

  it('equals the export rows with HMAC and legacy opt-outs', () => {
    for (const email of EMAILS.slice(0, 8))
      recordSuppression(db, { email, purpose: 'marketing_email', at: 1 });
    for (const phone of PHONES.slice(0, 6))
      recordSuppression(db, { phone, purpose: 'marketing_sms', at: 1 });
    // An SMS opt-out known only by e-mail, and legacy plain-hash entries.
    recordSuppression(db, { email: EMAILS[10], purpose: 'marketing_sms', at: 1 });
    for (const [email, purpose] of [
      [EMAILS[12], 'marketing_email'],
      [EMAILS[13], 'marketing_sms'],
    ] as const)
      db.insert(suppressions)
        .values({ emailHash: legacySuppressionHash(email ?? ''), purpose, at: 1, kind: 'sha256' })
        .run();
    // As at start-up (main.ts): legacy entries of addresses leads hold become HMAC entries.
    expect(rekeyLegacySuppressions(db).rekeyed).toBe(2);
    expect(compare()).toBeGreaterThan(4);
  });

  it('keeps out a new lead whose address only a legacy entry suppresses', () => {
    const email = 'gammel.avmelding@example.no';
    db.insert(suppressions)
      .values({
        emailHash: legacySuppressionHash(email),
        purpose: 'marketing_email',
        at: 1,
        kind: 'sha256',
      })
      .run();
    const [project] = db.all<{ id: number; subsidiaryId: number }>(
      sql`select id, subsidiary_id as subsidiaryId from projects limit 1`,
    );
    if (!project) throw new Error('no project');
    makeLead(db, project, { email, consent: { marketing_email: true } });
    expect(compare()).toBeGreaterThan(4);
  });

  it('counts in JavaScript until the backfill has hashed every address, then in SQL', () => {
    // Rows as a tool that bypasses the write paths (or the migration) leaves them.
    db.run(sql`update leads set email_hmac = null, phone_hmac = null where id % 3 = 0`);
    expect(addressHashesPending(db)).toBe(true);
    expect(compare()).toBeGreaterThan(4);
    // A spent time budget stops a call after its first lead (the API's job gives it 40 ms).
    expect(backfillAddressHashes(db, 25, 0)).toBe(1);
    let batches = 0;
    while (backfillAddressHashes(db, 25) > 0) batches++;
    expect(batches).toBeGreaterThan(2);
    expect(addressHashesPending(db)).toBe(false);
    expect(leadsWithWrongAddressHashes(db)).toEqual([]);
    expect(compare()).toBeGreaterThan(4);
  });
});

describe('the stored address hashes', () => {
  const ALL = scopeFor({ role: 'admin', subsidiaryId: null });
  const project = () => {
    const [p] = db.all<{ id: number; subsidiaryId: number }>(
      sql`select id, subsidiary_id as subsidiaryId from projects limit 1`,
    );
    if (!p) throw new Error('no project');
    return p;
  };
  const hashesOf = (id: number) =>
    db
      .select({ emailHmac: leads.emailHmac, phoneHmac: leads.phoneHmac })
      .from(leads)
      .where(eq(leads.id, id))
      .get();

  it('are written by intake, corrected by rectification and cleared by anonymisation', () => {
    // Intake (insertLead, through the factory).
    const id = makeLead(db, project(), { email: 'Skriv.Sti@Example.no', phone: '+4790011223' });
    expect(hashesOf(id)).toEqual(
      addressHashes(db, { email: 'skriv.sti@example.no', phone: '+4790011223' }),
    );
    expect(hashesOf(id)?.emailHmac).toMatch(/^[0-9a-f]{64}$/);
    expect(leadsWithWrongAddressHashes(db)).toEqual([]);
    // Rectification of each address, alone and together, and to nothing.
    const ref = { id } as Parameters<typeof rectifyLeads>[1]['leads'][number];
    rectifyLeads(db, { leads: [ref], values: { email: 'ny.adresse@example.no' } });
    expect(hashesOf(id)?.emailHmac).toBe(
      addressHashes(db, { email: 'ny.adresse@example.no', phone: null }).emailHmac,
    );
    rectifyLeads(db, { leads: [ref], values: { phone: '+4790099887' } });
    expect(hashesOf(id)?.phoneHmac).toBe(
      addressHashes(db, { email: null, phone: '+4790099887' }).phoneHmac,
    );
    rectifyLeads(db, { leads: [ref], values: { email: 'tredje@example.no', phone: null } });
    expect(hashesOf(id)).toEqual(addressHashes(db, { email: 'tredje@example.no', phone: null }));
    expect(leadsWithWrongAddressHashes(db)).toEqual([]);
    // Anonymisation clears both.
    anonymiseLeadsIn(db, { scope: ALL, ids: [id], reason: { kind: 'cli' }, log: () => {} });
    expect(hashesOf(id)).toEqual({ emailHmac: null, phoneHmac: null });
    expect(leadsWithWrongAddressHashes(db)).toEqual([]);
  });

  it('follow a corrected address onto the suppression list it now matches', () => {
    const id = makeLead(db, project(), {
      email: 'foer@example.no',
      consent: { marketing_email: true },
    });
    const before = countAudience(db, { scope: ALL, purpose: 'marketing_email' });
    recordSuppression(db, { email: 'etter@example.no', purpose: 'marketing_email', at: 1 });
    expect(countAudience(db, { scope: ALL, purpose: 'marketing_email' })).toBe(before);
    const ref = { id } as Parameters<typeof rectifyLeads>[1]['leads'][number];
    rectifyLeads(db, { leads: [ref], values: { email: 'etter@example.no' } });
    expect(countAudience(db, { scope: ALL, purpose: 'marketing_email' })).toBe(before - 1);
    expect(compare()).toBeGreaterThan(4);
  });
});
