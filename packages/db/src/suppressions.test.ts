import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isSuppressed,
  recordSuppression,
  suppressedPurposes,
  suppressionHash,
} from './queries/consent';
import { suppressions } from './schema';
import { createTestDatabase } from './testing';

describe('the suppression list', () => {
  it('keys on SHA-256 of the normalised e-mail alone, one row per purpose', () => {
    const handle = createTestDatabase();
    const { db } = handle;
    const expected = createHash('sha256').update('ase@example.no').digest('hex');
    expect(suppressionHash('  Ase@Example.NO ')).toBe(expected);

    recordSuppression(db, { email: 'ase@example.no', purpose: 'marketing_email', at: 1 });
    recordSuppression(db, { email: 'ASE@example.no', purpose: 'marketing_sms', at: 2 });
    // Idempotent: a second opt-out keeps the first time.
    recordSuppression(db, { email: 'ase@example.no', purpose: 'marketing_email', at: 3 });
    const rows = db.select().from(suppressions).orderBy(suppressions.purpose).all();
    expect(rows).toEqual([
      { emailHash: expected, purpose: 'marketing_email', at: 1 },
      { emailHash: expected, purpose: 'marketing_sms', at: 2 },
    ]);
    handle.close();
  });

  it('answers per purpose', () => {
    const handle = createTestDatabase();
    const { db } = handle;
    recordSuppression(db, { email: 'ase@example.no', purpose: 'marketing_sms', at: 1 });
    expect(isSuppressed(db, { email: ' ASE@example.no', purpose: 'marketing_sms' })).toBe(true);
    expect(isSuppressed(db, { email: 'ase@example.no', purpose: 'marketing_email' })).toBe(false);
    expect(isSuppressed(db, { email: 'other@example.no', purpose: 'marketing_sms' })).toBe(false);
    expect([...suppressedPurposes(db, 'ase@example.no')]).toEqual(['marketing_sms']);
    expect(suppressedPurposes(db, 'other@example.no').size).toBe(0);
    handle.close();
  });
});
