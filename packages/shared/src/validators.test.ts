import { getCountries, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import {
  auditListInput,
  dashboardInput,
  dashboardRange,
  dashboardRangeProblem,
  emailSchema,
  isoDateSchema,
  orgNumberSchema,
  phoneSchema,
  subsidiaryInput,
} from './inputs';
import { isValidOrgNumber, normaliseEmail, normalisePhone, textProblem } from './validators';

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

describe('textProblem (the one hygiene check for free text)', () => {
  it.each([
    ['Kari Nordmann', false],
    ['Zoë Ørnes-Ås', false],
    ['李小龍', false],
    ['محمد', false],
    ['👩‍👩‍👧', false],
    ['O\u2019Brien', false],
    ['', false],
  ])('accepts %j on one line', (value) => {
    expect(textProblem(value)).toBeNull();
  });

  it.each([
    ['\ud800', 'invalidCharacters'],
    ['ab\udfffcd', 'invalidCharacters'],
    ['\udc00\ud800', 'invalidCharacters'],
    ['Kari\u0000', 'invalidCharacters'],
    ['Kari\u0007', 'invalidCharacters'],
    ['Kari\u007f', 'invalidCharacters'],
    ['Kari\u0085', 'invalidCharacters'],
    ['Kari\nNordmann', 'invalidCharacters'],
    ['Kari\tNordmann', 'invalidCharacters'],
    ['\u200b', 'noVisibleText'],
    ['\u200b\u200c\u200d\u2060\ufeff', 'noVisibleText'],
    ['\u202e\u202a\u2066\u2069\u200e\u200f\u061c', 'noVisibleText'],
    ['\u3164', 'noVisibleText'],
    ['\u115f\u1160\uffa0\u2800', 'noVisibleText'],
    ['\u00a0\u2003\u3000', 'noVisibleText'],
    ['\u0301\u0308', 'noVisibleText'],
    ['\ufe0f', 'noVisibleText'],
    ['\u{e0041}\u{e0042}', 'noVisibleText'],
  ])('refuses %j on one line: %s', (value, problem) => {
    expect(textProblem(value)).toBe(problem);
  });

  it('allows newline, carriage return and tab only in multi-line text', () => {
    expect(textProblem('Hei!\r\n\tRing meg.', { multiline: true })).toBeNull();
    expect(textProblem('Hei!\r\n\tRing meg.')).toBe('invalidCharacters');
    expect(textProblem('Hei\u0000', { multiline: true })).toBe('invalidCharacters');
    expect(textProblem('Hei\u000b', { multiline: true })).toBe('invalidCharacters');
    expect(textProblem('\n\n\t', { multiline: true })).toBe('noVisibleText');
  });

  it('keeps visible text that also holds invisible characters (a joiner in an emoji)', () => {
    expect(textProblem('a\u200db')).toBeNull();
    expect(textProblem('\u202eabc')).toBeNull();
  });
});

describe('bounded inputs', () => {
  it.each([
    ['2000-01-01', true],
    ['2100-12-31', true],
    ['1999-12-31', false],
    ['2101-01-01', false],
    ['9999-12-31', false],
    ['1000-01-01', false],
    ['2024-02-30', false],
  ])('date %s is accepted: %s', (date, ok) => {
    expect(isoDateSchema.safeParse(date).success).toBe(ok);
  });

  it('refuses out-of-range dates with their own key', () => {
    const result = dashboardInput.safeParse({ from: '1800-01-01', to: '9999-12-31' });
    expect(result.success).toBe(false);
    expect(toFieldErrors(result.error?.issues ?? [])).toEqual({
      from: [{ key: 'dateOutOfRange' }],
      to: [{ key: 'dateOutOfRange' }],
    });
  });

  it('caps the dashboard at five years, also when the end is today', () => {
    expect(dashboardRangeProblem({ from: '2020-01-01', to: '2024-12-31' })).toBeNull();
    expect(dashboardRangeProblem({ from: '2019-01-01', to: '2024-12-31' })).toBe('rangeTooLong');
    expect(dashboardRangeProblem({ from: '2024-01-02', to: '2024-01-01' })).toBe('dateOrder');
    expect(dashboardRangeProblem({ from: '1999-12-31', to: '2000-01-01' })).toBe('dateOutOfRange');
    const fromOnly = dashboardRange({ from: '2001-01-01' }, '2026-12-01');
    expect(fromOnly).toEqual({ from: '2001-01-01', to: '2026-12-01' });
    expect(dashboardRangeProblem(fromOnly)).toBe('rangeTooLong');
    expect(dashboardRange({}, '2026-12-01')).toEqual({ from: '2026-09-14', to: '2026-12-01' });
    const early = dashboardRange({ to: '2000-01-05' }, '2026-12-01');
    expect(early).toEqual({ from: '2000-01-01', to: '2000-01-05' });
    expect(dashboardRangeProblem(early)).toBeNull();
  });

  it('bounds audit-log instants to the same days', () => {
    expect(auditListInput.safeParse({ from: '2024-01-01T00:00:00+01:00' }).success).toBe(true);
    expect(auditListInput.safeParse({ from: '9999-12-31T23:59:59Z' }).success).toBe(false);
  });

  it('bounds the organisation number before normalising it', () => {
    expect(orgNumberSchema.safeParse(' '.repeat(10_000)).success).toBe(false);
    expect(orgNumberSchema.safeParse('9'.repeat(21)).error?.issues[0]?.message).toBe('tooLong');
  });
});

describe('normalisePhone of its own answer', () => {
  it("gives it back for every country's example number, however it was written", () => {
    let checked = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      for (const written of [
        example.number,
        example.formatInternational(),
        example.formatNational(),
      ]) {
        const once = normalisePhone(written);
        if (once === null) continue;
        checked++;
        // Alternating with another number, so the answer never comes from the last one kept.
        expect(normalisePhone('412 34 567')).toBe('+4741234567');
        expect(normalisePhone(once), `${country} ${written}`).toBe(once);
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('answers each number, not the one before (the last answer is kept)', () => {
    expect(normalisePhone('412 34 567')).toBe('+4741234567');
    expect(normalisePhone('+46 70 123 45 67')).toBe('+46701234567');
    expect(normalisePhone('+4741234567')).toBe('+4741234567');
    expect(normalisePhone('123')).toBeNull();
    expect(normalisePhone('+46701234567')).toBe('+46701234567');
    expect(normalisePhone(' +4741234567 ')).toBe('+4741234567');
  });
});
