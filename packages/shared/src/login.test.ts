import { describe, expect, it } from 'vitest';
import { toFieldErrors } from './errors';
import { loginInput } from './inputs';
import { LOGIN_EMAIL_MAX, LOGIN_PASSWORD_MAX, loginFieldErrors } from './login';

describe('loginFieldErrors', () => {
  // Each case through both checks: the page's hand-written one must say what the API's says.
  const cases: { email: string; password: string }[] = [
    { email: '', password: '' },
    { email: '   ', password: 'secret' },
    { email: 'ola@example.no', password: '' },
    { email: 'ola@example.no', password: ' ' },
    { email: ' ola@example.no ', password: 'secret' },
    { email: 'a'.repeat(LOGIN_EMAIL_MAX), password: 'p'.repeat(LOGIN_PASSWORD_MAX) },
    { email: 'a'.repeat(LOGIN_EMAIL_MAX + 1), password: 'p'.repeat(LOGIN_PASSWORD_MAX + 1) },
    { email: ` ${'a'.repeat(LOGIN_EMAIL_MAX)} `, password: 'x' },
    { email: 'not an address', password: 'x' },
  ];

  for (const values of cases) {
    it(`answers as loginInput for ${JSON.stringify(values).slice(0, 60)}`, () => {
      const parsed = loginInput.safeParse(values);
      const expected = parsed.success ? {} : toFieldErrors(parsed.error.issues);
      expect(loginFieldErrors(values)).toEqual(expected);
    });
  }

  it('refuses what is empty or too long, and only that', () => {
    expect(Object.keys(loginFieldErrors({ email: '', password: '' }))).toEqual([
      'email',
      'password',
    ]);
    expect(loginFieldErrors({ email: 'a'.repeat(LOGIN_EMAIL_MAX + 1), password: 'x' })).toEqual({
      email: [{ key: 'tooLong', params: { max: LOGIN_EMAIL_MAX } }],
    });
    expect(loginFieldErrors({ email: 'ola@example.no', password: 'x' })).toEqual({});
  });
});
