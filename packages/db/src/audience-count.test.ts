import { CONSENT_PURPOSES, type Scope, scopeFor, seededRandom } from '@mg/shared';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { faker, makeLead, makeProject, makeSubsidiary } from './factories';
import {
  countAudience,
  legacySuppressionHash,
  listAudience,
  recordSuppression,
} from './queries/consent';
import { leads, suppressions } from './schema';
import { createTestDatabase } from './testing';

/**
 * audience.summary's count (countAudience) against the export's own rows (listAudience) on
 * random data: shared e-mails and phones, restricted, anonymised and nameless leads, two
 * subsidiaries, with and without opt-outs (HMAC and legacy entries), small keyset chunks.
 */

const handle = createTestDatabase();
const { db } = handle;
const random = seededRandom(23);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const EMAILS = Array.from({ length: 40 }, (_, i) => `person${i}@example.no`);
const PHONES = Array.from({ length: 30 }, (_, i) => `+47900${String(10000 + i)}`);
let scopes: Scope[] = [];

function listed(scope: Scope, purpose: (typeof CONSENT_PURPOSES)[number]) {
  let n = 0;
  for (const chunk of listAudience(db, { scope, purpose, chunkSize: 9 })) n += chunk.length;
  return n;
}

function compare() {
  let nonEmpty = 0;
  for (const scope of scopes)
    for (const purpose of CONSENT_PURPOSES) {
      const expected = listed(scope, purpose);
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
        .set({ anonymisedAt: 1, name: null, email: null, phone: null })
        .where(eq(leads.id, id))
        .run();
    else if (roll < 0.13)
      // Own contacts, so that counting them by mistake shows.
      db.update(leads)
        .set({
          name: '',
          email: `solo${i}@example.no`,
          phone: `+4791${String(i).padStart(6, '0')}`,
        })
        .where(eq(leads.id, id))
        .run();
  }
});

describe('countAudience', () => {
  it('equals the export rows without opt-outs (the SQL count)', () => {
    expect(db.select().from(suppressions).all()).toEqual([]);
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
    expect(compare()).toBeGreaterThan(4);
  });
});
