import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/**
 * The MOD11 check digit (Brønnøysund) for the first eight digits of an organisation number,
 * or null when there is none (a remainder that gives 10: no number starts that way).
 */
export function orgNumberCheckDigit(first8: string): number | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(first8[i]) * (ORG_WEIGHTS[i] ?? 0);
  const rest = sum % 11;
  const check = rest === 0 ? 0 : 11 - rest;
  return check === 10 ? null : check;
}

/** Norwegian organisation number: 9 digits, the last a MOD11 check digit (Brønnøysund). */
export function isValidOrgNumber(value: string): boolean {
  const digits = value.replace(/\s/g, '');
  if (!/^\d{9}$/.test(digits)) return false;
  return orgNumberCheckDigit(digits.slice(0, 8)) === Number(digits[8]);
}

export function normaliseOrgNumber(value: string): string {
  return value.replace(/\s/g, '');
}

/** Data subjects are matched on this form of their e-mail. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** E.164, with Norway as the default country. Returns null when the number is not valid. */
export function normalisePhone(value: string): string | null {
  const phone = parsePhoneNumberFromString(value.trim(), 'NO');
  if (!phone?.isValid()) return null;
  return phone.number;
}
