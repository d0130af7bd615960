import {
  flushAnonymousDenials,
  getUserForAdmin,
  insertDsrRequest,
  insertInvitedUser,
  schema,
  setSessionStage,
  updateUserFields,
} from '@mg/db';
import {
  dsrDueAt,
  hasPermission,
  osloDate,
  osloDayStart,
  PERMISSIONS,
  type Permission,
  ROLES,
  type Role,
} from '@mg/shared';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueLink } from '../src/lib/accounts';
import { hashPassword } from '../src/lib/password';
import { newTotpSecret, totpCodeAt } from '../src/lib/second-factor';
import { createSession, type PendingSession } from '../src/lib/session';
import { appRouter } from '../src/routers/root';
import { type Context, createCallerFactory, type ProcedureMeta } from '../src/trpc';
import { contextFor, lastAccessLogEntry, outcome, setup, type Who } from './helpers';
import { cookieFor, publicApp } from './public-helpers';
import { makeRequest } from './subject-helpers';

type Procedures = Record<string, { _def: { meta?: ProcedureMeta; type: string } }>;
const procedures = appRouter._def.procedures as unknown as Procedures;
const paths = Object.keys(procedures).sort();

type Setup = ReturnType<typeof setup>;
const createCaller = createCallerFactory(appRouter);

/** A sample that also needs the caller's context changed (e.g. a session held at the code step). */
const CONTEXT = Symbol('context');
type WithContext = { input: unknown; [CONTEXT]: Partial<Context> };
function withContext(input: unknown, overrides: Partial<Context>): WithContext {
  return { input, [CONTEXT]: overrides };
}

/** The caller and input a sample asks for. */
async function prepare(t: Setup, path: string, who: Who) {
  const sample = await SAMPLE_INPUTS[path]?.(t, who);
  if (sample && typeof sample === 'object' && CONTEXT in sample) {
    const { input, [CONTEXT]: overrides } = sample as WithContext;
    return { api: createCaller(contextFor(t.handle, t.f, who, overrides)), input };
  }
  return { api: t.as(who), input: sample };
}

/**
 * A valid input for every procedure, given the fixture and the caller: a role that holds the
 * permission must get a success with it, so a procedure that always fails is caught. Some
 * build what they act on first (a session to revoke, a view to remove, a login that works).
 * A new procedure without one fails the matrix test, so nobody can add a procedure that
 * escapes role x procedure coverage.
 */
const SAMPLE_INPUTS: Record<string, (t: Setup, who: Who) => unknown | Promise<unknown>> = {
  'auth.me': () => undefined,
  'auth.login': (t) => {
    setPassword(t, t.f.users.admin, loginHash);
    return { email: 'admin@test.no', password: LOGIN_PASSWORD };
  },
  'auth.logout': () => undefined,
  'auth.sessions': () => undefined,
  'auth.revokeSession': (t, who) => {
    const userId = userIdOf(t, who);
    const { id } = t.handle.db.transaction((tx) =>
      createSession(tx, userId, { ip: '127.0.0.1', userAgent: 'vitest' }),
    );
    return { id };
  },
  'subsidiary.list': () => undefined,
  'subsidiary.byId': (t) => ({ id: t.f.subA }),
  'subsidiary.overview': (t) => ({ id: t.f.subA }),
  'subsidiary.create': () => ({
    name: 'Ny AS',
    orgNumber: '914778271',
    contactEmail: 'ny@test.no',
  }),
  'subsidiary.update': (t) => ({
    id: t.f.subA,
    name: 'A Bygg AS',
    orgNumber: '923609016',
    contactEmail: 'a@test.no',
    active: true,
  }),
  'project.list': () => undefined,
  'project.byId': (t) => ({ id: t.f.projectA }),
  'project.create': (t) => ({
    name: 'Ny',
    slug: 'ny-prosjekt',
    place: 'Oslo',
    status: 'planning',
    subsidiaryId: t.f.subA,
  }),
  'project.update': (t) => ({
    id: t.f.projectA,
    name: 'Alfa Park',
    slug: 'alfa-park',
    place: 'Bergen',
    status: 'on_sale',
  }),
  'project.assign': (t) => ({ projectId: t.f.projectA, subsidiaryId: t.f.subB }),
  'lead.list': () => ({ limit: 10 }),
  'lead.count': () => ({ status: 'new' }),
  'lead.bulkCount': () => ({ status: 'new' }),
  'palette.search': (t) => ({ q: String(t.f.leadsA[0]) }),
  'lead.byId': (t) => ({ id: t.f.leadsA[0] }),
  'lead.assignees': (t) => ({ leadId: t.f.leadsA[0] }),
  'lead.updateStatus': (t) => ({ id: t.f.leadsA[0], status: 'contacted' }),
  'lead.assign': (t) => ({ id: t.f.leadsA[0], assigneeUserId: t.f.users.userA }),
  'lead.addNote': (t) => ({ id: t.f.leadsA[0], body: 'Ringte, avtalt visning.' }),
  'lead.bulkUpdate': (t) => ({ ids: [t.f.leadsA[1]], status: 'follow_up' }),
  'lead.bulkRestore': (t) => ({ items: [{ id: t.f.leadsA[1], status: 'new' }] }),
  'view.list': () => undefined,
  'view.save': () => ({ name: 'Mine nye', visibility: 'personal', filter: { status: 'new' } }),
  'view.remove': async (t, who) => {
    // The caller's own view, saved first (with the admin's caller when the role cannot).
    const savePermission = procedures['view.save']?._def.meta?.permission as Permission;
    const saver = hasPermission(roleOf(who), savePermission) ? who : 'admin';
    const view = (await t.as(saver).view.save({
      name: 'Til sletting',
      visibility: 'personal',
      filter: {},
    })) as { id: number };
    return { id: view.id };
  },
  'dashboard.summary': () => ({}),
  'audit.list': () => ({ limit: 10 }),
  'audit.summary': (t) => ({ targetId: t.f.leadsA[0], targetType: 'lead' }),
  'audit.actions': () => undefined,
  'audit.actors': () => undefined,
  'audit.verify': () => undefined,
  'audit.anchor': () => undefined,
  'policy.list': () => undefined,
  'policy.publish': () => ({
    label: 'v-ny',
    effectiveDate: '2030-01-01',
    body: 'Ny versjon',
  }),
  'consent.withdraw': (t) => ({ leadId: t.f.leadsA[0], purpose: 'marketing_email' }),
  'consent.forwarding': (t) => ({ leadId: t.f.leadsA[0] }),
  'audience.summary': () => undefined,
  'lead.privacy': (t) => ({ id: t.f.leadsA[0] }),
  'lead.setLegalHold': (t) => ({ id: t.f.leadsA[0], on: true, reason: 'Tvist om kontrakt' }),
  'lead.setRestricted': (t) => ({ id: t.f.leadsA[0], on: true, reason: 'Art. 18-krav' }),
  'lead.object': (t) => ({ id: t.f.leadsA[0], kind: 'other', reason: 'Innsigelse' }),
  'retention.settings': () => undefined,
  'retention.setMonths': () => ({ months: 24 }),
  'retention.upcoming': () => undefined,
  'retention.runs': () => ({}),
  'retention.run': () => ({ dryRun: true }),
  'dsr.list': () => ({ search: 'ase' }),
  'dsr.counts': () => undefined,
  'dsr.byId': (t) => ({ id: dsrRequest(t) }),
  'dsr.create': () => ({
    type: 'access',
    email: 'ase@example.no',
    channel: 'email',
    receivedDate: osloDate(),
  }),
  'dsr.transition': (t) => ({ id: dsrRequest(t), to: 'identity_verified', note: 'Ringte tilbake' }),
  'dsr.extend': (t) => ({ id: dsrRequest(t), months: 2, reason: 'Kompleks sak' }),
  'dsr.sendLink': (t) => ({ id: dsrRequest(t) }),
  'auth.verifyTotp': (t, who) => {
    // Only a session held at the code step may give one: the caller is such a session.
    const userId = userIdOf(t, who);
    const secret = enableTotp(t, userId);
    return withContext(
      { code: totpCodeAt(secret, Date.now()) },
      { session: null, pending: pendingAtCode(t, userId) },
    );
  },
  'auth.linkInfo': (t) => ({ token: invitationToken(t) }),
  'auth.setPassword': (t) => ({ token: invitationToken(t), password: 'et langt nytt passord' }),
  'auth.forgotPassword': () => ({ email: 'nobody@test.no' }),
  'user.list': () => ({ search: 'a' }),
  'user.invite': (t) => ({
    name: 'Ny Bruker',
    email: `ny-${Math.random().toString(36).slice(2, 8)}@test.no`,
    role: 'subsidiary_user',
    subsidiaryId: t.f.subA,
  }),
  'user.resendInvitation': (t) => ({ id: invitedUser(t).id }),
  'user.revokeInvitation': (t) => ({ id: invitedUser(t).id }),
  'user.deactivate': (t) => ({ id: t.f.users.userB }),
  'user.reactivate': (t) => ({ id: t.f.users.userB }),
  'user.updateAccess': (t) => ({
    id: t.f.users.userB,
    role: 'subsidiary_user',
    subsidiaryId: t.f.subA,
  }),
  'user.unlock': (t) => ({ id: t.f.users.userB }),
  'user.resetPassword': (t) => ({ id: t.f.users.userB }),
  'user.totpRoles': () => undefined,
  'user.setTotpRoles': () => ({ roles: ['admin'] }),
  'account.get': () => undefined,
  'account.updateName': () => ({ name: 'Nytt Navn' }),
  'account.changePassword': (t, who) => {
    setPassword(t, userIdOf(t, who), loginHash);
    return { currentPassword: LOGIN_PASSWORD, newPassword: 'et langt nytt passord' };
  },
  'account.signOutOthers': () => undefined,
  'account.setNotifications': () => ({ notifyOnAssign: false }),
  'account.totpBegin': () => undefined,
  'account.totpConfirm': (t, who) => {
    const secret = newTotpSecret();
    updateUserFields(t.handle.db, userIdOf(t, who), { totpSecret: secret }, Date.now());
    return { code: totpCodeAt(secret, Date.now()) };
  },
  'subject.view': (t) => ({ requestId: makeRequest(t.handle) }),
  'subject.rectify': (t) => ({
    requestId: makeRequest(t.handle, { type: 'rectification' }),
    leadIds: [t.f.leadsA[0]],
    name: 'Åse Ørnes-Berg',
  }),
  'subject.erase': (t) => ({ requestId: makeRequest(t.handle, { type: 'erasure' }) }),
  'subject.restrict': (t) => ({
    requestId: makeRequest(t.handle, { type: 'restriction' }),
    reason: 'Art. 18-krav',
  }),
  'subject.object': (t) => ({
    requestId: makeRequest(t.handle, { type: 'objection' }),
    kind: 'marketing',
    reason: 'Vil ikke ha reklame',
  }),
  'subject.withdrawConsent': (t) => ({
    requestId: makeRequest(t.handle, { type: 'consent_withdrawal' }),
  }),
  'subject.seenBy': (t) => ({ requestId: makeRequest(t.handle) }),
  'processing.record': () => undefined,
  'account.totpDisable': (t, who) => {
    const userId = userIdOf(t, who);
    setPassword(t, userId, loginHash);
    const secret = enableTotp(t, userId);
    return { password: LOGIN_PASSWORD, code: totpCodeAt(secret, Date.now()) };
  },
};

const LOGIN_PASSWORD = 'riktig-passord-123';
let loginHash = '';
beforeAll(async () => {
  loginHash = await hashPassword(LOGIN_PASSWORD);
});

function setPassword(t: Setup, userId: number, hash: string) {
  t.handle.db
    .update(schema.users)
    .set({ passwordHash: hash })
    .where(eq(schema.users.id, userId))
    .run();
}

/** Switches TOTP on for a user and gives back the secret, so a sample can compute a code. */
function enableTotp(t: Setup, userId: number): string {
  const secret = newTotpSecret();
  updateUserFields(
    t.handle.db,
    userId,
    { totpSecret: secret, totpEnabledAt: Date.now(), totpLastStep: null },
    Date.now(),
  );
  return secret;
}

/** A session past the password only, waiting for the second factor. */
function pendingAtCode(t: Setup, userId: number): PendingSession {
  const { id } = t.handle.db.transaction((tx) =>
    createSession(tx, userId, { ip: '127.0.0.1', userAgent: 'vitest' }),
  );
  t.handle.db.transaction((tx) => setSessionStage(tx, id, 'totp'));
  const row = getUserForAdmin(t.handle.db, userId);
  if (!row) throw new Error(`no user ${userId}`);
  return {
    sessionId: id,
    createdAt: Date.now(),
    stage: 'totp',
    user: {
      id: userId,
      email: row.email,
      name: row.name,
      role: row.role,
      subsidiaryId: row.subsidiaryId,
      active: true,
      subsidiaryName: null,
    },
  };
}

/** A data subject request just received, for the DSR procedures to act on. */
function dsrRequest(t: Setup): number {
  const today = osloDate();
  return t.handle.db.transaction(
    (tx) =>
      insertDsrRequest(
        tx,
        {
          type: 'access',
          subjectEmail: 'ase@example.no',
          subjectPhone: null,
          channel: 'email',
          receivedAt: osloDayStart(today),
          dueAt: dsrDueAt(today),
          message: null,
          createdByUserId: null,
        },
        Date.now(),
      ).id,
  );
}

/** Someone invited who has not yet chosen a password. */
function invitedUser(t: Setup) {
  const email = `invitert-${Math.random().toString(36).slice(2, 8)}@test.no`;
  const user = t.handle.db.transaction((tx) =>
    insertInvitedUser(
      tx,
      { name: 'Invitert Person', email, role: 'subsidiary_user', subsidiaryId: t.f.subA },
      Date.now(),
    ),
  );
  return { ...user, email, name: 'Invitert Person' };
}

/** A live invitation link's token (the part after #token=). */
function invitationToken(t: Setup): string {
  const user = invitedUser(t);
  const link = t.handle.db.transaction((tx) =>
    issueLink(tx, user, 'invite', 'http://127.0.0.1:3000'),
  );
  const token = new URL(link).hash.replace(/^#token=/, '');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

function roleOf(who: Who): Role {
  return who === 'userA' || who === 'userB' ? 'subsidiary_user' : (who as Role);
}

function userIdOf(t: Setup, who: Who): number {
  if (who === 'anonymous') return t.f.users.admin;
  return t.f.users[who];
}

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
    const who = WHO_BY_ROLE[role];
    const permission = procedures[path]?._def.meta?.permission;
    const { api, input } = await prepare(t, path, who);
    const result = await outcome(call(api, path, input));
    if (
      permission === 'public' ||
      permission === 'authenticated' ||
      hasPermission(role, permission as Permission)
    ) {
      // Allowed means it works: not merely "not FORBIDDEN" (a procedure that always answers
      // 500 or NOT_FOUND would pass that).
      expect(result, `${path} as ${role} with its sample input`).toBe('OK');
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
      const input = await SAMPLE_INPUTS[path]?.(t, 'admin');
      expect(await outcome(call(t.as('anonymous'), path, input))).toBe('UNAUTHORIZED');
      // Summed up per IP and minute: one entry once the minute is over (here: flushed now).
      t.handle.db.transaction((tx) => flushAnonymousDenials(tx, Date.now(), { all: true }));
      const entry = t.lastEntry();
      expect(entry).toMatchObject({
        action: 'anonymous.denied',
        outcome: 'denied',
        actorUserId: null,
      });
      expect(JSON.parse(entry?.detail ?? '{}').actions).toEqual([path]);
    },
  );
});

/**
 * The file downloads are plain routes, not procedures: the same table decides, checked here
 * per role. Allowed means a 200 file; refused means 403 and a denied entry under the
 * download's action.
 */
describe('role x download route', () => {
  const DOWNLOADS = [
    {
      path: '/api/exports/audit.csv?filter=%7B%7D',
      action: 'audit.export',
      permission: 'audit:export',
    },
    {
      path: '/api/exports/leads.csv?columns=id&purpose=follow_up',
      action: 'lead.export',
      permission: 'lead:export',
    },
    {
      path: '/api/exports/leads.xlsx?columns=id&purpose=follow_up',
      action: 'lead.export',
      permission: 'lead:export',
    },
  ] as const;
  const cases = DOWNLOADS.flatMap((d) => ROLES.map((role) => [d.path, role, d] as const));
  it.each(cases)('%s as %s', async (_path, role, download) => {
    const t = publicApp();
    const userId = t.f.users[role === 'subsidiary_user' ? 'userA' : role];
    const res = await t.app.request(download.path, {
      headers: { cookie: cookieFor(t.handle, userId) },
    });
    const last = () => lastAccessLogEntry(t.handle);
    if (hasPermission(role, download.permission)) {
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(last()).toMatchObject({ action: download.action, outcome: 'ok', actorRole: role });
    } else {
      expect(res.status).toBe(403);
      expect(last()).toMatchObject({
        action: download.action,
        outcome: 'denied',
        actorRole: role,
      });
    }
  });
});
