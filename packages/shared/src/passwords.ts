import { COMMON_PASSWORDS_TEXT } from './common-passwords';

export const PASSWORD_MIN_LENGTH_RULE = 12;
export const PASSWORD_MAX_LENGTH = 256;

let common: ReadonlySet<string> | undefined;
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(COMMON_PASSWORDS_TEXT.split('\n').map((w) => w.toLowerCase()));
  return common;
}

/**
 * A common password, also when padded to the minimum length: every entry of the list is
 * shorter than 12 characters, so "password1234", "!!monkey2024" and "qwertyqwerty" are what
 * people type to get past the length rule.
 */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const list = commonPasswords();
  const candidates = new Set([
    lower,
    lower.replace(/[\d\W_]+$/, ''),
    lower.replace(/^[\d\W_]+/, ''),
    lower.replace(/^[\d\W_]+|[\d\W_]+$/g, ''),
  ]);
  // A short unit repeated ("qwertyqwerty", "abcdefabcdef").
  const repeated = /^(.+?)\1+$/.exec(lower);
  if (repeated?.[1]) candidates.add(repeated[1]);
  for (const c of candidates) if (c.length > 0 && list.has(c)) return true;
  // Nothing but digits, or one character repeated: no words to look up, still guessed first.
  return /^\d+$/.test(lower) || /^(.)\1+$/.test(lower);
}

/** The rule a new password breaks, as a validation key, or null when it is acceptable. */
export function passwordProblem(
  password: string,
): 'passwordTooShort' | 'passwordTooCommon' | 'tooLong' | null {
  if (password.length < PASSWORD_MIN_LENGTH_RULE) return 'passwordTooShort';
  if (password.length > PASSWORD_MAX_LENGTH) return 'tooLong';
  if (isCommonPassword(password)) return 'passwordTooCommon';
  return null;
}
