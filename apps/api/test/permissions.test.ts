import { hasPermission, PERMISSIONS, type Permission, ROLES } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/root';
import type { ProcedureMeta } from '../src/trpc';
import { outcome, setup, type Who } from './helpers';

type Procedures = Record<string, { _def: { meta?: ProcedureMeta; type: string } }>;
const procedures = appRouter._def.procedures as unknown as Procedures;
const paths = Object.keys(procedures).sort();

/**
 * A valid input for every procedure. A new procedure without one fails the matrix test,
 * so nobody can add a procedure that escapes role x procedure coverage.
 */
const SAMPLE_INPUTS: Record<string, (f: ReturnType<typeof setup>['f']) => unknown> = {
  'auth.me': () => undefined,
  'auth.login': () => ({ email: 'nobody@test.no', password: 'x' }),
  'auth.logout': () => undefined,
  'auth.sessions': () => undefined,
  'auth.revokeSession': () => ({ id: 'nope' }),
  'subsidiary.list': () => undefined,
  'subsidiary.byId': (f) => ({ id: f.subA }),
  'subsidiary.create': () => ({
    name: 'Ny AS',
    orgNumber: '914778271',
    contactEmail: 'ny@test.no',
  }),
  'subsidiary.update': (f) => ({
    id: f.subA,
    name: 'A Bygg AS',
    orgNumber: '923609016',
    contactEmail: 'a@test.no',
    active: true,
  }),
  'project.list': () => undefined,
  'project.byId': (f) => ({ id: f.projectA }),
  'project.create': (f) => ({
    name: 'Ny',
    slug: `ny-${Math.random().toString(36).slice(2, 8)}`,
    place: 'Oslo',
    status: 'planning',
    subsidiaryId: f.subA,
  }),
  'project.update': (f) => ({
    id: f.projectA,
    name: 'Alfa Park',
    slug: 'alfa-park',
    place: 'Bergen',
    status: 'on_sale',
  }),
  'project.assign': (f) => ({ projectId: f.projectA, subsidiaryId: f.subB }),
  'lead.list': () => ({ limit: 10 }),
  'lead.byId': (f) => ({ id: f.leadsA[0] }),
  'lead.assignees': (f) => ({ leadId: f.leadsA[0] }),
  'lead.updateStatus': (f) => ({ id: f.leadsA[0], status: 'contacted' }),
  'lead.assign': (f) => ({ id: f.leadsA[0], assigneeUserId: f.users.userA }),
  'lead.addNote': (f) => ({ id: f.leadsA[0], body: 'Ringte, avtalt visning.' }),
  'lead.bulkUpdate': (f) => ({ ids: [f.leadsA[1]], status: 'follow_up' }),
  'view.list': () => undefined,
  'view.save': () => ({ name: 'Mine nye', visibility: 'personal', filter: { status: 'new' } }),
  'view.remove': () => ({ id: 999_999 }),
  'dashboard.summary': () => ({}),
  'audit.list': () => ({ limit: 10 }),
  'audit.actions': () => undefined,
  'audit.actors': () => undefined,
  'audit.verify': () => undefined,
  'policy.list': () => undefined,
  'policy.publish': () => ({
    label: `v-${Math.random().toString(36).slice(2, 8)}`,
    effectiveDate: '2030-01-01',
    body: 'Ny versjon',
  }),
  'consent.withdraw': (f) => ({ leadId: f.leadsA[0], purpose: 'marketing_email' }),
  'consent.forwarding': (f) => ({ leadId: f.leadsA[0] }),
  'audience.summary': () => undefined,
  'auth.verifyTotp': () => ({ code: '123456' }),
  'auth.linkInfo': () => ({ token: 'a'.repeat(32) }),
  'auth.setPassword': () => ({ token: 'a'.repeat(32), password: 'et langt nytt passord' }),
  'auth.forgotPassword': () => ({ email: 'nobody@test.no' }),
  'user.list': () => ({ search: 'a' }),
  'user.invite': (f) => ({
    name: 'Ny Bruker',
    email: `ny-${Math.random().toString(36).slice(2, 8)}@test.no`,
    role: 'subsidiary_user',
    subsidiaryId: f.subA,
  }),
  'user.resendInvitation': (f) => ({ id: f.users.userB }),
  'user.revokeInvitation': (f) => ({ id: f.users.userB }),
  'user.deactivate': (f) => ({ id: f.users.userB }),
  'user.reactivate': (f) => ({ id: f.users.userB }),
  'user.updateAccess': (f) => ({
    id: f.users.userB,
    role: 'subsidiary_user',
    subsidiaryId: f.subA,
  }),
  'user.unlock': (f) => ({ id: f.users.userB }),
  'user.resetPassword': (f) => ({ id: f.users.userB }),
  'user.totpRoles': () => undefined,
  'user.setTotpRoles': () => ({ roles: ['admin'] }),
  'account.get': () => undefined,
  'account.updateName': () => ({ name: 'Nytt Navn' }),
  'account.changePassword': () => ({
    currentPassword: 'feil-passord',
    newPassword: 'et langt nytt passord',
  }),
  'account.signOutOthers': () => undefined,
  'account.setNotifications': () => ({ notifyOnAssign: false }),
  'account.totpBegin': () => undefined,
  'account.totpConfirm': () => ({ code: '123456' }),
  'account.totpDisable': () => ({ password: 'feil-passord', code: '123456' }),
};

function call(api: ReturnType<ReturnType<typeof setup>['as']>, path: string, input: unknown) {
  const [area, name] = path.split('.') as [string, string];
  const fn = (api as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[
    area
  ]?.[name];
  if (!fn) throw new Error(`no caller for ${path}`);
  return fn(input);
}

const WHO_BY_ROLE: Record<(typeof ROLES)[number], Who> = {
  admin: 'admin',
  privacy_officer: 'privacy_officer',
  auditor: 'auditor',
  subsidiary_user: 'userA',
};

describe('every procedure names its permission', () => {
  it.each(paths)('%s declares exactly one permission', (path) => {
    const permission = procedures[path]?._def.meta?.permission;
    expect(permission, `${path} has no permission in its meta`).toBeDefined();
    const known = new Set<string>([...PERMISSIONS, 'public', 'authenticated']);
    expect(known.has(permission as string)).toBe(true);
  });

  it('has a sample input for every procedure, and no stale ones', () => {
    expect(Object.keys(SAMPLE_INPUTS).sort()).toEqual(paths);
  });
});

describe('role x procedure', () => {
  const cases = paths.flatMap((path) => ROLES.map((role) => [path, role] as const));
  it.each(cases)('%s as %s', async (path, role) => {
    const t = setup();
    const permission = procedures[path]?._def.meta?.permission;
    const result = await outcome(call(t.as(WHO_BY_ROLE[role]), path, SAMPLE_INPUTS[path]?.(t.f)));
    if (permission === 'public' || permission === 'authenticated') {
      expect(result).not.toBe('FORBIDDEN');
      return;
    }
    if (hasPermission(role, permission as Permission)) {
      expect(result).not.toBe('FORBIDDEN');
      expect(result).not.toBe('UNAUTHORIZED');
    } else {
      expect(result).toBe('FORBIDDEN');
      const entry = t.lastEntry();
      expect(entry).toMatchObject({ action: path, outcome: 'denied', actorRole: role });
    }
  });

  it.each(paths.filter((p) => procedures[p]?._def.meta?.permission !== 'public'))(
    '%s refuses anonymous callers and logs it',
    async (path) => {
      const t = setup();
      expect(await outcome(call(t.as('anonymous'), path, SAMPLE_INPUTS[path]?.(t.f)))).toBe(
        'UNAUTHORIZED',
      );
      expect(t.lastEntry()).toMatchObject({ action: path, outcome: 'denied', actorUserId: null });
    },
  );
});
