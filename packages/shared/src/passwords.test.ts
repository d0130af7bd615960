import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS_TEXT } from './common-passwords';
import { passwordProblem } from './passwords';

describe('new password rules', () => {
  it('commits the list of the 1,000 most common passwords', () => {
    expect(new Set(COMMON_PASSWORDS_TEXT.split('\n')).size).toBeGreaterThanOrEqual(1000);
  });

  it('refuses short, long, common and padded-common passwords', () => {
    expect(passwordProblem('kort')).toBe('passwordTooShort');
    expect(passwordProblem('x'.repeat(257))).toBe('tooLong');
    for (const p of [
      'password1234',
      '!!monkey2024!',
      'QwertyQwerty',
      'abcdefabcdef',
      '123456789012',
    ])
      expect(passwordProblem(p), p).toBe('passwordTooCommon');
  });

  it('accepts a passphrase', () => {
    expect(passwordProblem('fjell og fjord og fossefall')).toBeNull();
    expect(passwordProblem('korrekt-hest-batteri-stift')).toBeNull();
  });
});
