import { createHash, createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client';
import { makeLead } from './factories';
import {
  isSuppressed,
  legacySuppressionHash,
  liftSuppression,
  recordSuppression,
  rekeyLegacySuppressions,
  setSuppressionKey,
  suppressedPurposes,
  suppressionHmac,
} from './queries/consent';
import { suppressions } from './schema';
import { createTestDatabase, makeProject, makeSubsidiary, TEST_SUPPRESSION_KEY } from './testing';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the suppression list', () => {
  it('keys on HMAC-SHA-256 of the typed, normalised address: a plain SHA-256 is not there', () => {
    const handle = createTestDatabase();
    const { db } = handle;
    const expected = createHmac('sha256', TEST_SUPPRESSION_KEY)
      .update('email:ase@example.no')
      .digest('hex');
    expect(suppressionHmac(db, { email: '  Ase@Example.NO ' })).toBe(expected);

    recordSuppression(db, { email: 'ase@example.no', purpose: 'marketing_email', at: 1 });
    recordSuppression(db, {
      email: 'ASE@example.no',
      phone: '912 34 567',
      purpose: 'marketing_sms',
      at: 2,
    });
    // Idempotent: a second opt-out keeps the first time.
    recordSuppression(db, { email: 'ase@example.no', purpose: 'marketing_email', at: 3 });
    const rows = db.select().from(suppressions).orderBy(suppressions.purpose).all();
    const phoneKey = createHmac('sha256', TEST_SUPPRESSION_KEY)
      .update('phone:+4791234567')
      .digest('hex');
    expect(rows).toEqual([
      { emailHash: expected, purpose: 'marketing_email', at: 1, kind: 'hmac' },
      // SMS follows the phone.
      { emailHash: phoneKey, purpose: 'marketing_sms', at: 2, kind: 'hmac' },
    ]);
    // Whoever holds the table and a list of addresses, but not the key, finds nothing.
    const all = JSON.stringify(rows);
    for (const plain of ['ase@example.no', '+4791234567', 'email:ase@example.no'])
      expect(all).not.toContain(sha256(plain));
    handle.close();
  });

  it('another key gives other entries', () => {
    const handle = createTestDatabase();
    const before = suppressionHmac(handle.db, { email: 'ase@example.no' });
    setSuppressionKey(handle.db, Buffer.from('another-key-of-enough-length-0123456789'));
    expect(suppressionHmac(handle.db, { email: 'ase@example.no' })).not.toBe(before);
    expect(() => setSuppressionKey(handle.db, Buffer.from('short'))).toThrow(/at least 32/);
    handle.close();
  });

  it('answers per purpose: e-mail by e-mail, SMS by phone', () => {
    const handle = createTestDatabase();
    const { db } = handle;
    recordSuppression(db, {
      email: 'ase@example.no',
      phone: '+4791234567',
      purpose: 'marketing_sms',
      at: 1,
    });
    expect(
      isSuppressed(db, { email: 'x@example.no', phone: '91234567', purpose: 'marketing_sms' }),
    ).toBe(true);
    expect(
      isSuppressed(db, { email: 'ase@example.no', phone: '+4799999999', purpose: 'marketing_sms' }),
    ).toBe(false);
    expect(isSuppressed(db, { email: 'ase@example.no', purpose: 'marketing_email' })).toBe(false);
    expect([...suppressedPurposes(db, 'x@example.no', '+4791234567')]).toEqual(['marketing_sms']);
    expect(suppressedPurposes(db, 'other@example.no', '+4790000000').size).toBe(0);
    liftSuppression(db, { email: 'x@example.no', phone: '+4791234567', purpose: 'marketing_sms' });
    expect(db.select().from(suppressions).all()).toEqual([]);
    handle.close();
  });

  it('a legacy plain-SHA-256 entry still suppresses, for either purpose, and is lifted too', () => {
    const handle = createTestDatabase();
    const { db } = handle;
    const legacy = sha256('gammel@example.no');
    expect(legacySuppressionHash(' Gammel@Example.no')).toBe(legacy);
    db.insert(suppressions).values({ emailHash: legacy, purpose: 'marketing_email', at: 1 }).run();
    db.insert(suppressions).values({ emailHash: legacy, purpose: 'marketing_sms', at: 1 }).run();
    // The migration's column default marks old rows as legacy.
    expect(db.select({ kind: suppressions.kind }).from(suppressions).all()).toEqual([
      { kind: 'sha256' },
      { kind: 'sha256' },
    ]);
    expect(isSuppressed(db, { email: 'GAMMEL@example.no', purpose: 'marketing_email' })).toBe(true);
    expect(
      isSuppressed(db, {
        email: 'gammel@example.no',
        phone: '+4790000001',
        purpose: 'marketing_sms',
      }),
    ).toBe(true);
    liftSuppression(db, { email: 'gammel@example.no', purpose: 'marketing_email' });
    expect(isSuppressed(db, { email: 'gammel@example.no', purpose: 'marketing_email' })).toBe(
      false,
    );
    expect(isSuppressed(db, { email: 'gammel@example.no', purpose: 'marketing_sms' })).toBe(true);
    handle.close();
  });

  it('re-keys legacy entries whose e-mail a lead still holds, keeps the others, loses none', () => {
    const handle = createTestDatabase();
    const { db } = handle;
    const sub = makeSubsidiary(db, { name: 'A', orgNumber: '923609016' });
    const project = { id: makeProject(db, sub, { name: 'P', slug: 'p' }), subsidiaryId: sub };
    makeLead(db, project, { email: 'kjent@example.no' });
    const known = sha256('kjent@example.no');
    const gone = sha256('anonymisert@example.no');
    db.insert(suppressions)
      .values([
        { emailHash: known, purpose: 'marketing_email', at: 5 },
        { emailHash: known, purpose: 'marketing_sms', at: 6 },
        { emailHash: gone, purpose: 'marketing_email', at: 7 },
      ])
      .run();
    expect(rekeyLegacySuppressions(db)).toEqual({ rekeyed: 2, remaining: 1 });
    const hmac = suppressionHmac(db, { email: 'kjent@example.no' });
    expect(db.select().from(suppressions).where(eq(suppressions.emailHash, hmac)).all()).toEqual([
      { emailHash: hmac, purpose: 'marketing_email', at: 5, kind: 'hmac' },
      { emailHash: hmac, purpose: 'marketing_sms', at: 6, kind: 'hmac' },
    ]);
    // The reversible row of the known address is gone; the unknown one stays and suppresses.
    expect(db.select().from(suppressions).where(eq(suppressions.emailHash, known)).all()).toEqual(
      [],
    );
    for (const purpose of ['marketing_email', 'marketing_sms'] as const)
      expect(isSuppressed(db, { email: 'kjent@example.no', phone: '+4790000002', purpose })).toBe(
        true,
      );
    expect(isSuppressed(db, { email: 'anonymisert@example.no', purpose: 'marketing_email' })).toBe(
      true,
    );
    // Run again (every start): nothing more to do, nothing lost.
    expect(rekeyLegacySuppressions(db)).toEqual({ rekeyed: 0, remaining: 1 });
    expect(db.select().from(suppressions).all()).toHaveLength(3);
    handle.close();
  });

  it('refuses to hash without a key', () => {
    // A database nobody gave a key: a loud error, never a silent unkeyed hash.
    const bare = openDatabase(':memory:');
    expect(() => suppressionHmac(bare.db, { email: 'a@example.no' })).toThrow(/no suppression key/);
    bare.close();
  });
});
