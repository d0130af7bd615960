import { createHash } from 'node:crypto';
import type { ConsentPurpose } from '@mg/shared';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { LEGACY_PROBE_SQL, legacySuppressionsRemain } from './queries/address-hash';
import {
  isSuppressed,
  recordSuppression,
  suppressedAmong,
  suppressedPurposes,
} from './queries/consent';
import { suppressions } from './schema';
import { createTestDatabase } from './testing';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const BOTH: ConsentPurpose[] = ['marketing_email', 'marketing_sms'];

/**
 * suppressedAmong answers several purposes in one lookup (intake asks it for every form);
 * it must give exactly what asking each purpose on its own gave: the purpose's own address,
 * for SMS also the e-mail, and the legacy plain hash of the e-mail, each for its purpose only.
 */
describe('suppressedAmong', () => {
  it('finds each purpose under its own keys only, as isSuppressed does', () => {
    const { db } = createTestDatabase();
    // E-mail marketing refused by one address, SMS by a phone, SMS by another address's
    // e-mail key, and a legacy (plain SHA-256) e-mail opt-out.
    recordSuppression(db, { email: 'epost@example.no', purpose: 'marketing_email', at: 1 });
    recordSuppression(db, { phone: '+4791111111', purpose: 'marketing_sms', at: 1 });
    recordSuppression(db, { email: 'sms-via-epost@example.no', purpose: 'marketing_sms', at: 1 });
    db.insert(suppressions)
      .values({ emailHash: sha256('gammel@example.no'), purpose: 'marketing_email', at: 1 })
      .run();
    // An e-mail opt-out recorded when only a phone was known: it is under the phone's key,
    // which the e-mail purpose does not read.
    recordSuppression(db, { phone: '+4796666666', purpose: 'marketing_email', at: 1 });

    const cases: [{ email?: string; phone?: string }, ConsentPurpose[]][] = [
      [{ email: 'epost@example.no', phone: '+4792222222' }, ['marketing_email']],
      // Normalised like every key: case and spaces do not hide an address.
      [{ email: '  EPOST@example.no ', phone: '922 22 222' }, ['marketing_email']],
      [{ email: 'ny@example.no', phone: '+4791111111' }, ['marketing_sms']],
      [{ email: 'ny@example.no', phone: '911 11 111' }, ['marketing_sms']],
      [{ email: 'sms-via-epost@example.no', phone: '+4793333333' }, ['marketing_sms']],
      [{ email: 'gammel@example.no', phone: '+4794444444' }, ['marketing_email']],
      [{ email: 'epost@example.no', phone: '+4791111111' }, BOTH],
      [{ email: 'ren@example.no', phone: '+4795555555' }, []],
      [{ email: 'annen@example.no', phone: '+4796666666' }, []],
      // No phone: the SMS purpose is judged on the e-mail keys.
      [{ email: 'sms-via-epost@example.no' }, ['marketing_sms']],
    ];
    for (const [person, expected] of cases) {
      const found = suppressedAmong(db, person, BOTH);
      expect([...found].sort(), JSON.stringify(person)).toEqual([...expected].sort());
      // The same answer, purpose by purpose and through the other entry points.
      for (const purpose of BOTH) {
        expect(suppressedAmong(db, person, [purpose]).has(purpose)).toBe(
          expected.includes(purpose),
        );
        expect(isSuppressed(db, { ...person, purpose })).toBe(expected.includes(purpose));
      }
      if (person.email)
        expect([...suppressedPurposes(db, person.email, person.phone)].sort()).toEqual(
          [...expected].sort(),
        );
    }
  });

  it('asks nothing for no purposes, and answers only the purposes asked', () => {
    const { db } = createTestDatabase();
    recordSuppression(db, { email: 'epost@example.no', purpose: 'marketing_email', at: 1 });
    recordSuppression(db, { email: 'epost@example.no', purpose: 'marketing_sms', at: 1 });
    expect(suppressedAmong(db, { email: 'epost@example.no' }, []).size).toBe(0);
    expect([...suppressedAmong(db, { email: 'epost@example.no' }, ['marketing_sms'])]).toEqual([
      'marketing_sms',
    ]);
    expect(suppressedAmong(db, {}, BOTH).size).toBe(0);
  });
});

describe('legacySuppressionsRemain', () => {
  it('says whether a plain-SHA-256 entry remains, from one probe of its partial index', () => {
    const { db, sqlite } = createTestDatabase();
    recordSuppression(db, { email: 'ny@example.no', purpose: 'marketing_email', at: 1 });
    expect(legacySuppressionsRemain(db)).toBe(false);
    db.insert(suppressions)
      .values({ emailHash: sha256('gammel@example.no'), purpose: 'marketing_sms', at: 1 })
      .run();
    expect(legacySuppressionsRemain(db)).toBe(true);
    const probe = new SQLiteSyncDialect().sqlToQuery(LEGACY_PROBE_SQL);
    expect(probe.params).toEqual([]);
    const plan = sqlite.prepare(`explain query plan ${probe.sql}`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('; ')).toContain('suppressions_legacy_idx');
  });
});
