import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import { emailSchema, phoneSchema, subsidiaryInput } from './inputs';
import { isValidOrgNumber, normaliseEmail, normalisePhone } from './validators';

describe('isValidOrgNumber', () => {
  it.each(['923609016', '974760673', '914 778 271'])('accepts real org number %s', (n) => {
    expect(isValidOrgNumber(n)).toBe(true);
  });
  it.each([
    ['923609017', 'wrong check digit'],
    ['92360901', 'too short'],
    ['9236090160', 'too long'],
    ['92360901a', 'not digits'],
    ['', 'empty'],
  ])('rejects %s (%s)', (n) => {
    expect(isValidOrgNumber(n)).toBe(false);
  });
  it('rejects numbers whose check digit would be 10', () => {
    // 12345678x: weighted sum 3+4+21+24+25+24+21+16 = 138, 138 % 11 = 6 -> check 5
    expect(isValidOrgNumber('123456785')).toBe(true);
    // 4000000x: weighted sum 12, 12 % 11 = 1 -> check digit 10, so no last digit is valid
    for (let d = 0; d <= 9; d++) expect(isValidOrgNumber(`40000000${d}`)).toBe(false);
  });
});

describe('normalisation', () => {
  it('lower-cases and trims e-mail', () => {
    expect(normaliseEmail('  Kari.Nordmann@Example.NO ')).toBe('kari.nordmann@example.no');
    expect(emailSchema.parse(' A@B.no')).toBe('a@b.no');
  });
  it('puts Norwegian numbers in E.164 with +47 by default', () => {
    expect(normalisePhone('412 34 567')).toBe('+4741234567');
    expect(normalisePhone('0047 41234567')).toBe('+4741234567');
    expect(normalisePhone('+46 70 123 45 67')).toBe('+46701234567');
    expect(normalisePhone('123')).toBeNull();
    expect(phoneSchema.safeParse('abc').success).toBe(false);
  });
});

describe('toFieldErrors', () => {
  it('gives translatable keys per field', () => {
    const r = subsidiaryInput.safeParse({ name: '', orgNumber: '923609017', contactEmail: 'x' });
    expect(r.success).toBe(false);
    if (r.success) return;
    const errors = toFieldErrors(r.error.issues);
    expect(errors.name?.[0]?.key).toBe('required');
    expect(errors.orgNumber?.[0]?.key).toBe('invalidOrgNumber');
    expect(errors.contactEmail?.[0]?.key).toBe('invalidEmail');
  });
});
