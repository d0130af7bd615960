import { describe, expect, it } from 'vitest';
import { LEGAL_BASES, PROCESSING_RECORD, type Retention } from './processing-record';

describe('record of processing activities', () => {
  const purposes = PROCESSING_RECORD.purposes;

  it('has purposes', () => {
    expect(purposes.length).toBeGreaterThan(0);
  });

  it.each(purposes.map((p) => [p.key, p] as const))(
    '%s has a legal basis, a retention, and the categories art. 30 asks for',
    (_key, purpose) => {
      expect(purpose.legalBasis.length).toBeGreaterThan(0);
      for (const basis of purpose.legalBasis) expect(LEGAL_BASES).toContain(basis);
      const retention: Retention = purpose.retention;
      expect(retention).toBeDefined();
      expect(retention.note.nb.trim()).not.toBe('');
      expect(retention.note.en.trim()).not.toBe('');
      expect(['setting', 'rule']).toContain(retention.kind);
      expect(purpose.dataCategories.length).toBeGreaterThan(0);
      expect(purpose.peopleCategories.length).toBeGreaterThan(0);
      expect(purpose.recipients.length).toBeGreaterThan(0);
    },
  );

  it('has unique purpose keys', () => {
    expect(new Set(purposes.map((p) => p.key)).size).toBe(purposes.length);
  });

  it('shows the live retention setting for the lead purpose', () => {
    expect(purposes.find((p) => p.key === 'inquiry')?.retention.kind).toBe('setting');
  });

  it('lists security measures', () => {
    expect(PROCESSING_RECORD.securityMeasures.length).toBeGreaterThan(0);
  });
});
