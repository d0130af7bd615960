import { getTotpRequiredRoles, schema, setTotpRequiredRoles } from '@mg/db';
import { createTestDatabase } from '@mg/db/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadEnv } from '../src/env';
import { inviteFromCli } from '../src/lib/cli-invite';
import { firstAdminHelp, keepDemoWithoutTotp } from '../src/lib/first-start';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cli invite', () => {
  it('invites the first admin of an empty install: a queued mail and the printed link', () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const handle = createTestDatabase();
    const env = loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://leads.example.no' });
    const code = inviteFromCli(handle.db, env, [
      '--email',
      'Sjef@Example.no',
      '--name',
      'Sjef',
      '--role',
      'admin',
    ]);
    expect(code).toBe(0);
    const [user] = handle.db.select().from(schema.users).all();
    expect(user).toMatchObject({ email: 'sjef@example.no', role: 'admin', passwordSetAt: null });
    const [mail] = handle.db.select().from(schema.outbox).all();
    expect(mail?.body).toMatch(/https:\/\/leads\.example\.no\/set-password#token=[a-z0-9]{32}/);
    expect(out.mock.calls.flat().join('\n')).toContain(
      'https://leads.example.no/set-password#token=',
    );
    expect(
      handle.db
        .select()
        .from(schema.accessLog)
        .all()
        .map((e) => e.action),
    ).toEqual(['cli.invite']);
  });

  it('refuses a subsidiary user without a subsidiary, and a duplicate e-mail', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const handle = createTestDatabase();
    const env = loadEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://leads.example.no' });
    expect(
      inviteFromCli(handle.db, env, [
        '--email',
        'a@b.no',
        '--name',
        'A',
        '--role',
        'subsidiary_user',
      ]),
    ).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toContain('subsidiaryRequired');
    expect(
      inviteFromCli(handle.db, env, ['--email', 'a@b.no', '--name', 'A', '--role', 'auditor']),
    ).toBe(0);
    expect(
      inviteFromCli(handle.db, env, ['--email', 'a@b.no', '--name', 'A', '--role', 'auditor']),
    ).toBe(1);
  });

  it('the start log of an empty production install says how to get the first admin', () => {
    expect(firstAdminHelp().join('\n')).toContain('cli.js invite --email');
  });
});

describe('a demo database from before the second-factor setting', () => {
  it('keeps password-only sign-in when DEMO_DATA is on, and the default otherwise', () => {
    const real = createTestDatabase();
    keepDemoWithoutTotp(real.db, false);
    expect(getTotpRequiredRoles(real.db)).toEqual(['admin', 'privacy_officer']);
    const demo = createTestDatabase();
    keepDemoWithoutTotp(demo.db, true);
    expect(getTotpRequiredRoles(demo.db)).toEqual([]);
    // An admin's later choice is kept.
    setTotpRequiredRoles(demo.db, ['admin']);
    keepDemoWithoutTotp(demo.db, true);
    expect(getTotpRequiredRoles(demo.db)).toEqual(['admin']);
  });
});
