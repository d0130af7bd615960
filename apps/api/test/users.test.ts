import { INVITATION_VALID_MS } from '@mg/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accountsApp, PASSWORD, signedIn } from './account-helpers';

const NEW_PASSWORD = 'et helt nytt passord 42';

afterEach(() => {
  vi.useRealTimers();
});

async function invite(
  t: Awaited<ReturnType<typeof accountsApp>>,
  admin: string,
  email = 'ny@test.no',
) {
  const r = await t.mutate(
    'user.invite',
    { name: 'Nina Ny', email, role: 'subsidiary_user', subsidiaryId: t.f.subA },
    admin,
  );
  expect(r.status, r.text).toBe(200);
  return { id: r.body.result.data.id as number, token: t.lastMailTo(email).token };
}

describe('invitations', () => {
  it('mails a single-use link, stores only its hash, and the link works once', async () => {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const { id, token } = await invite(t, admin);
    expect(token).toMatch(/^[a-z0-9]{32}$/);
    expect(JSON.stringify(t.handle.db.all('select * from user_tokens'))).not.toContain(token);
    // Invited: listed as such, and cannot sign in yet.
    const list = await t.query('user.list', { status: 'invited' }, admin);
    expect(list.body.result.data.map((u: { id: number }) => u.id)).toEqual([id]);
    expect((await t.login('ny@test.no', NEW_PASSWORD)).status).toBe(401);

    expect((await t.query('auth.linkInfo', { token })).body.result.data).toEqual({
      kind: 'invite',
      name: 'Nina Ny',
    });
    const set = await t.mutate('auth.setPassword', { token, password: NEW_PASSWORD });
    expect(set.status, set.text).toBe(200);
    const again = await t.mutate('auth.setPassword', { token, password: `${NEW_PASSWORD}!` });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe('linkInvalid');
    const signIn = await t.login('ny@test.no', NEW_PASSWORD);
    expect(signIn.status).toBe(200);
    const me = await t.query('auth.me', undefined, signIn.cookie);
    expect(me.body.result.data.user).toMatchObject({
      role: 'subsidiary_user',
      subsidiaryId: t.f.subA,
    });
  });

  it('expires after 72 hours', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.parse('2026-03-02T09:00:00+01:00');
    vi.setSystemTime(start);
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const early = await invite(t, admin, 'tidlig@test.no');
    const late = await invite(t, admin, 'sent@test.no');
    vi.setSystemTime(start + INVITATION_VALID_MS - 1000);
    expect(
      (await t.mutate('auth.setPassword', { token: early.token, password: NEW_PASSWORD })).status,
    ).toBe(200);
    vi.setSystemTime(start + INVITATION_VALID_MS + 1);
    const expired = await t.mutate('auth.setPassword', {
      token: late.token,
      password: NEW_PASSWORD,
    });
    expect(expired.status).toBe(400);
    expect(expired.body.error.message).toBe('linkInvalid');
  });

  it('cannot be used after it is revoked, nor after a resend replaced it', async () => {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const first = await invite(t, admin);
    expect((await t.mutate('user.resendInvitation', { id: first.id }, admin)).status).toBe(200);
    const second = t.lastMailTo('ny@test.no').token;
    expect(second).not.toBe(first.token);
    expect(
      (await t.mutate('auth.setPassword', { token: first.token, password: NEW_PASSWORD })).status,
    ).toBe(400);

    expect((await t.mutate('user.revokeInvitation', { id: first.id }, admin)).status).toBe(200);
    const r = await t.mutate('auth.setPassword', { token: second, password: NEW_PASSWORD });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('linkInvalid');
    expect(t.userRow(first.id)).toMatchObject({ active: false, passwordSetAt: null });
  });

  it('refuses a subsidiary user without a subsidiary, and a subsidiary for other roles', async () => {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const none = await t.mutate(
      'user.invite',
      { name: 'Uten', email: 'uten@test.no', role: 'subsidiary_user', subsidiaryId: null },
      admin,
    );
    expect(none.status).toBe(400);
    expect(none.body.error.data.fieldErrors).toEqual({
      subsidiaryId: [{ key: 'subsidiaryRequired' }],
    });
    const extra = await t.mutate(
      'user.invite',
      { name: 'Med', email: 'med@test.no', role: 'auditor', subsidiaryId: t.f.subA },
      admin,
    );
    expect(extra.status).toBe(400);
    expect(extra.body.error.data.fieldErrors).toEqual({
      subsidiaryId: [{ key: 'subsidiaryNotAllowed' }],
    });
    expect(t.lastMailTo('uten@test.no').row).toBeUndefined();
    expect(t.lastMailTo('med@test.no').row).toBeUndefined();
  });

  it('refuses short and common passwords, with the rule as the message', async () => {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const { token } = await invite(t, admin);
    for (const [password, key] of [
      ['kort-pass', 'passwordTooShort'],
      ['password1234', 'passwordTooCommon'],
      ['qwertyqwerty', 'passwordTooCommon'],
      ['111111111111', 'passwordTooCommon'],
    ] as const) {
      const r = await t.mutate('auth.setPassword', { token, password });
      expect(r.status, password).toBe(400);
      expect(r.body.error.data.fieldErrors.password, password).toEqual([{ key }]);
    }
    // Refused attempts do not use the link up.
    expect((await t.mutate('auth.setPassword', { token, password: NEW_PASSWORD })).status).toBe(
      200,
    );
  });

  it('logs every change as a security event with ids only', async () => {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const { id } = await invite(t, admin, 'logget@test.no');
    const rows = t.handle.db.all<{ action: string; purpose: string; target_ids: string }>(
      "select * from access_log where action like 'user.%'",
    );
    expect(rows.map((r) => [r.action, r.purpose, r.target_ids])).toEqual([
      ['user.invite', 'security', JSON.stringify([id])],
    ]);
    const all = JSON.stringify(t.handle.db.all('select * from access_log'));
    expect(all).not.toContain('logget@test.no');
    expect(all).not.toContain('Nina Ny');
  });
});

describe('changes that end the affected user’s sessions', () => {
  async function world() {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const victim = (await t.login('b@test.no')).cookie;
    expect(await signedIn(t, victim)).toBe(true);
    return { t, admin, victim };
  }

  it('deactivation: the old cookie is refused and the user cannot sign in', async () => {
    const { t, admin, victim } = await world();
    expect((await t.mutate('user.deactivate', { id: t.f.users.userB }, admin)).status).toBe(200);
    expect(await signedIn(t, victim)).toBe(false);
    expect((await t.login('b@test.no')).status).toBe(401);
    // Their leads stay assigned; the list shows them as deactivated.
    const list = await t.query('user.list', { status: 'deactivated' }, admin);
    expect(list.body.result.data.map((u: { id: number }) => u.id)).toEqual([t.f.users.userB]);
    expect((await t.mutate('user.reactivate', { id: t.f.users.userB }, admin)).status).toBe(200);
    expect((await t.login('b@test.no')).status).toBe(200);
  });

  it('role change', async () => {
    const { t, admin, victim } = await world();
    const r = await t.mutate(
      'user.updateAccess',
      { id: t.f.users.userB, role: 'auditor', subsidiaryId: null },
      admin,
    );
    expect(r.status, r.text).toBe(200);
    expect(await signedIn(t, victim)).toBe(false);
  });

  it('subsidiary change', async () => {
    const { t, admin, victim } = await world();
    const r = await t.mutate(
      'user.updateAccess',
      { id: t.f.users.userB, role: 'subsidiary_user', subsidiaryId: t.f.subA },
      admin,
    );
    expect(r.status, r.text).toBe(200);
    expect(await signedIn(t, victim)).toBe(false);
  });

  it('an unchanged role and subsidiary keeps the sessions', async () => {
    const { t, admin, victim } = await world();
    const r = await t.mutate(
      'user.updateAccess',
      { id: t.f.users.userB, role: 'subsidiary_user', subsidiaryId: t.f.subB },
      admin,
    );
    expect(r.body.result.data.changed).toBe(false);
    expect(await signedIn(t, victim)).toBe(true);
  });

  it('password change by the user: the other sessions end, this one stays', async () => {
    const { t, victim } = await world();
    const here = (await t.login('b@test.no')).cookie;
    const wrong = await t.mutate(
      'account.changePassword',
      { currentPassword: 'feil-passord-1', newPassword: NEW_PASSWORD },
      here,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe('wrongPassword');
    expect(await signedIn(t, victim)).toBe(true);
    const r = await t.mutate(
      'account.changePassword',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      here,
    );
    expect(r.status, r.text).toBe(200);
    expect(await signedIn(t, victim)).toBe(false);
    expect(await signedIn(t, here)).toBe(true);
    expect((await t.login('b@test.no', NEW_PASSWORD)).status).toBe(200);
  });

  it('password reset by an admin: every session ends, and the mailed link sets a new one', async () => {
    const { t, admin, victim } = await world();
    expect((await t.mutate('user.resetPassword', { id: t.f.users.userB }, admin)).status).toBe(200);
    expect(await signedIn(t, victim)).toBe(false);
    const { token } = t.lastMailTo('b@test.no');
    const later = (await t.login('b@test.no')).cookie;
    expect((await t.mutate('auth.setPassword', { token, password: NEW_PASSWORD })).status).toBe(
      200,
    );
    // Setting the password from the link ends sessions started in between, too.
    expect(await signedIn(t, later)).toBe(false);
    expect((await t.login('b@test.no', NEW_PASSWORD)).status).toBe(200);
  });

  it('an admin cannot deactivate or demote themselves', async () => {
    const t = await accountsApp();
    const admin = (await t.login('admin@test.no')).cookie;
    const r = await t.mutate('user.deactivate', { id: t.f.users.admin }, admin);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('ownAccount');
  });

  it('the auditor reads the list but changes nothing', async () => {
    const t = await accountsApp();
    const auditor = (await t.login('auditor@test.no')).cookie;
    expect((await t.query('user.list', {}, auditor)).status).toBe(200);
    expect((await t.mutate('user.deactivate', { id: t.f.users.userB }, auditor)).status).toBe(403);
  });
});
