import type { FieldErrors } from './errors';

/** Longest e-mail (after trimming) and password the sign-in form and `auth.login` take. */
export const LOGIN_EMAIL_MAX = 254;
export const LOGIN_PASSWORD_MAX = 256;

/**
 * The sign-in form's check without zod, so the sign-in page's first load does without it
 * (issue 11). The same rules and keys as `loginInput` (inputs.ts), which the API applies:
 * login.test.ts holds the two to the same answers.
 */
export function loginFieldErrors(values: { email: string; password: string }): FieldErrors {
  const errors: FieldErrors = {};
  const email = values.email.trim();
  if (email.length === 0) errors.email = [{ key: 'required', params: { min: 1 } }];
  else if (email.length > LOGIN_EMAIL_MAX)
    errors.email = [{ key: 'tooLong', params: { max: LOGIN_EMAIL_MAX } }];
  if (values.password.length === 0) errors.password = [{ key: 'required', params: { min: 1 } }];
  else if (values.password.length > LOGIN_PASSWORD_MAX)
    errors.password = [{ key: 'tooLong', params: { max: LOGIN_PASSWORD_MAX } }];
  return errors;
}
