import { describe, expect, it } from 'vitest';
import { scopeFor } from './scope';

describe('scopeFor', () => {
  it('limits a subsidiary user to their subsidiary, and to nothing without one', () => {
    expect(scopeFor({ role: 'subsidiary_user', subsidiaryId: 4 })).toEqual({
      kind: 'subsidiary',
      subsidiaryId: 4,
    });
    // Never "all" by accident: a missing subsidiary matches no row.
    expect(scopeFor({ role: 'subsidiary_user', subsidiaryId: null })).toEqual({
      kind: 'subsidiary',
      subsidiaryId: -1,
    });
  });
  it('gives the group-wide roles every subsidiary', () => {
    for (const role of ['admin', 'privacy_officer', 'auditor'] as const)
      expect(scopeFor({ role, subsidiaryId: 2 })).toEqual({ kind: 'all' });
  });
});
