import { setTotpRequiredRoles, updateUserFields } from '@mg/db';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCKOUT_THRESHOLD } from '../src/lib/login';
import { newTotpSecret, TOTP_PERIOD_S, totpCodeAt } from '../src/lib/second-factor';
import { openTotpSecret, sealStoredTotpSecrets } from '../src/lib/totp-secret';
import { appRouter } from '../src/routers/root';
import type { ProcedureMeta } from '../src/trpc';
import { accountsApp, PASSWORD, signedIn } from './account-helpers';

afterEach(() => {
  vi.useRealTimers();
});

/** Signs in as b@test.no and switches a second factor on; returns the secret and codes. */
async function enrolled(t: Awaited<ReturnType<typeof accountsApp>>) {
  const { cookie } = await t.login('b@test.no');
  const begin = await t.mutate('account.totpBegin', null, cookie);
  expect(begin.status, begin.text).toBe(200);
  const { secret, qrSvg, uri } = begin.body.result.data;
  expect(qrSvg).toContain('<svg');
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const confirm = await t.mutate(
    'account.totpConfirm',
    { code: totpCodeAt(secret, Date.now()) },
    cookie,
  );
  expect(confirm.status, confirm.text).toBe(200);
  const recoveryCodes: string[] = confirm.body.result.data.recoveryCodes;
  expect(recoveryCodes).toHaveLength(10);
  return { secret: secret as string, recoveryCodes, cookie };
}

describe('TOTP at sign-in', () => {
  it('a password alone is not signed in; a correct code is; the same code again is not', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-03-02T09:00:05+01:00'));
    const t = await accountsApp();
    const { secret } = await enrolled(t);
    // The confirmation used the current step: move on to a fresh one.
    vi.setSystemTime(Date.now() + TOTP_PERIOD_S * 1000);

    const first = await t.login('b@test.no');
    expect(first.body.result.data.stage).toBe('totp');
    expect(await signedIn(t, first.cookie)).toBe(false);
    expect((await t.query('auth.me', undefined, first.cookie)).body.result.data.stage).toBe('totp');
    const code = totpCodeAt(secret, Date.now());
    expect((await t.mutate('auth.verifyTotp', { code }, first.cookie)).status).toBe(200);
    expect(await signedIn(t, first.cookie)).toBe(true);

    const second = await t.login('b@test.no');
    const replay = await t.mutate('auth.verifyTotp', { code }, second.cookie);
    expect(replay.status).toBe(400);
    expect(replay.body.error.message).toBe('invalidCode');
    expect(await signedIn(t, second.cookie)).toBe(false);
  });

  it('wrong codes count toward the lock-out, and re-entering the password does not reset them', async () => {
    const t = await accountsApp();
    await enrolled(t);
    let last = { status: 0, body: {} as { error?: { message: string } } };
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      // A fresh password step each time: the count must survive it.
      const { cookie } = await t.login('b@test.no');
      last = await t.mutate('auth.verifyTotp', { code: '000000' }, cookie);
    }
    expect(last.status).toBe(429);
    expect(t.userRow(t.f.users.userB)?.failedLogins).toBe(LOCKOUT_THRESHOLD);
    expect(t.userRow(t.f.users.userB)?.lockedUntil).toBeGreaterThan(Date.now());
    expect((await t.login('b@test.no')).status).toBe(429);
  });

  it('each recovery code works once', async () => {
    const t = await accountsApp();
    const { recoveryCodes } = await enrolled(t);
    const [code] = recoveryCodes;
    const a = await t.login('b@test.no');
    expect((await t.mutate('auth.verifyTotp', { code }, a.cookie)).status).toBe(200);
    expect(await signedIn(t, a.cookie)).toBe(true);
    const b = await t.login('b@test.no');
    expect((await t.mutate('auth.verifyTotp', { code }, b.cookie)).status).toBe(400);
    expect((await t.mutate('auth.verifyTotp', { code: recoveryCodes[1] }, b.cookie)).status).toBe(
      200,
    );
    expect(JSON.stringify(t.handle.db.all('select * from recovery_codes'))).not.toContain(
      (code ?? '').replace('-', ''),
    );
  });

  it('switching it off needs the password and a code', async () => {
    const t = await accountsApp();
    const { secret, cookie } = await enrolled(t);
    const noPassword = await t.mutate(
      'account.totpDisable',
      { password: 'feil-passord-1', code: totpCodeAt(secret, Date.now() + 30_000) },
      cookie,
    );
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.error.message).toBe('wrongPassword');
    const ok = await t.mutate(
      'account.totpDisable',
      { password: PASSWORD, code: totpCodeAt(secret, Date.now() + 30_000) },
      cookie,
    );
    expect(ok.status, ok.text).toBe(200);
    expect((await t.login('b@test.no')).body.result.data.stage).toBe('full');
  });
});

describe('a role that requires a second factor', () => {
  type Procedures = Record<string, { _def: { meta?: ProcedureMeta; type: string } }>;
  const procedures = appRouter._def.procedures as unknown as Procedures;
  /** What a session held at enrolment may call; everything else must refuse it. */
  const ENROLMENT = new Set([
    'account.get',
    'account.totpBegin',
    'account.totpConfirm',
    'auth.logout',
  ]);

  it('reaches no procedure but enrolment before enrolling, and all of its own after', async () => {
    const t = await accountsApp();
    setTotpRequiredRoles(t.handle.db, ['subsidiary_user']);
    const { cookie, body } = await t.login('b@test.no');
    expect(body.result.data.stage).toBe('enrol');
    const reached: string[] = [];
    for (const [path, p] of Object.entries(procedures)) {
      if (p._def.meta?.permission === 'public' || ENROLMENT.has(path)) continue;
      const r =
        p._def.type === 'query'
          ? await t.query(path, undefined, cookie)
          : await t.mutate(path, null, cookie);
      if (r.status !== 401) reached.push(`${path} ${r.status}`);
    }
    expect(reached).toEqual([]);
    expect(Object.keys(procedures).length).toBeGreaterThan(40);

    const begin = await t.mutate('account.totpBegin', null, cookie);
    const { secret } = begin.body.result.data;
    expect(await signedIn(t, cookie)).toBe(false);
    const r = await t.mutate(
      'account.totpConfirm',
      { code: totpCodeAt(secret, Date.now()) },
      cookie,
    );
    expect(r.status, r.text).toBe(200);
    expect(await signedIn(t, cookie)).toBe(true);
    expect((await t.query('lead.list', { limit: 5 }, cookie)).status).toBe(200);
  });

  it('the admin setting defaults to admin and privacy officer', async () => {
    const t = await accountsApp();
    t.handle.db.run(`delete from settings where key = 'totp_required_roles'` as never);
    const admin = await t.login('admin@test.no');
    expect(admin.body.result.data.stage).toBe('enrol');
    expect((await t.login('po@test.no')).body.result.data.stage).toBe('enrol');
    expect((await t.login('a@test.no')).body.result.data.stage).toBe('full');
  });
});

describe('the secret at rest', () => {
  it('is stored sealed, bound to its user: the database alone does not give the codes', async () => {
    const t = await accountsApp();
    const { secret } = await enrolled(t);
    const stored = t.userRow(t.f.users.userB)?.totpSecret ?? '';
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain(secret);
    expect(openTotpSecret(t.handle.db, t.f.users.userB, stored)).toBe(secret);
    // Moved to another user's row, or altered, it does not open.
    expect(() => openTotpSecret(t.handle.db, t.f.users.userA, stored)).toThrow();
    const altered = `${stored.slice(0, -2)}${stored.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(() => openTotpSecret(t.handle.db, t.f.users.userB, altered)).toThrow();
  });

  it('a secret stored before sealing is sealed at start-up and still signs in', async () => {
    const t = await accountsApp();
    const secret = newTotpSecret();
    updateUserFields(
      t.handle.db,
      t.f.users.userB,
      { totpSecret: secret, totpEnabledAt: Date.now(), totpLastStep: null },
      Date.now(),
    );
    expect(t.handle.db.transaction((tx) => sealStoredTotpSecrets(tx))).toBe(1);
    expect(t.handle.db.transaction((tx) => sealStoredTotpSecrets(tx))).toBe(0);
    expect(t.userRow(t.f.users.userB)?.totpSecret).toMatch(/^v1:/);
    const { cookie } = await t.login('b@test.no');
    const code = totpCodeAt(secret, Date.now());
    expect((await t.mutate('auth.verifyTotp', { code }, cookie)).status).toBe(200);
    expect(await signedIn(t, cookie)).toBe(true);
  });
});
