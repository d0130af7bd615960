import type { Database_ } from '@mg/db';
import { hasPermission, type Permission, ROLES } from '@mg/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/root';
import type { ProcedureMeta } from '../src/trpc';
import { setup, type Who } from './helpers';
import { postForm, postJson, publicApp, validLead } from './public-helpers';

/**
 * Property test over every tRPC procedure's input and the public intake endpoint: junk and
 * near-valid payloads never give a 5xx or an INTERNAL_SERVER_ERROR, a refused call stores
 * nothing, and every call is answered within a second.
 */

type Procedures = Record<string, { _def: { meta?: ProcedureMeta; type: string } }>;
const procedures = appRouter._def.procedures as unknown as Procedures;
const paths = Object.keys(procedures).sort();
type Setup = ReturnType<typeof setup>;

const PROCEDURE_CALLS = 8_000;
const INTAKE_CALLS = 2_000;
const ANSWER_WITHIN_MS = 1_000;
let calls = 0;

/** A valid input per procedure, on the fixture: the seed that near-valid payloads mutate. */
const VALID: Record<string, (f: Setup['f']) => unknown> = {
  'auth.me': () => undefined,
  'auth.login': () => ({ email: 'admin@test.no', password: 'feil-passord-123' }),
  'auth.logout': () => undefined,
  'auth.sessions': () => undefined,
  'auth.revokeSession': () => ({ id: 'abc' }),
  'auth.verifyTotp': () => ({ code: '123456' }),
  'auth.linkInfo': () => ({ token: 'a'.repeat(32) }),
  'auth.setPassword': () => ({ token: 'a'.repeat(32), password: 'et langt nytt passord' }),
  'auth.forgotPassword': () => ({ email: 'nobody@test.no' }),
  'user.list': () => ({ search: 'a' }),
  'user.invite': (f) => ({
    name: 'Ny Bruker',
    email: 'ny.bruker@test.no',
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
  'subsidiary.list': () => undefined,
  'subsidiary.byId': (f) => ({ id: f.subA }),
  'subsidiary.overview': (f) => ({ id: f.subA }),
  'subsidiary.create': () => ({ name: 'Ny AS', orgNumber: '914778271', contactEmail: 'n@test.no' }),
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
    slug: 'ny-prosjekt',
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
  'lead.list': (f) => ({
    limit: 10,
    search: 'åse',
    from: '2024-01-01',
    to: '2030-12-31',
    projectId: f.projectA,
    consents: { marketing_email: true },
    sort: 'name',
    dir: 'asc',
  }),
  'lead.count': (f) => ({
    search: 'åse',
    from: '2024-01-01',
    to: '2030-12-31',
    projectId: f.projectA,
    consents: { marketing_email: true },
    assigneeUserId: 'unassigned',
  }),
  'lead.bulkCount': (f) => ({
    search: 'åse',
    from: '2024-01-01',
    to: '2030-12-31',
    projectId: f.projectA,
    restricted: false,
  }),
  'lead.byId': (f) => ({ id: f.leadsA[0] }),
  'palette.search': () => ({ q: 'åse' }),
  'lead.assignees': (f) => ({ leadId: f.leadsA[0] }),
  'lead.updateStatus': (f) => ({ id: f.leadsA[0], status: 'contacted' }),
  'lead.assign': (f) => ({ id: f.leadsA[0], assigneeUserId: f.users.userA }),
  'lead.addNote': (f) => ({ id: f.leadsA[0], body: 'Ringte.\nAvtalt visning.' }),
  'lead.bulkUpdate': (f) => ({ ids: [f.leadsA[1], f.leadsA[2]], status: 'follow_up' }),
  'lead.bulkRestore': (f) => ({
    items: [
      { id: f.leadsA[1], status: 'new', assigneeUserId: null },
      { id: f.leadsA[2], status: 'contacted' },
    ],
  }),
  'view.list': () => undefined,
  'view.save': () => ({
    name: 'Mine',
    visibility: 'personal',
    filter: { status: 'new', from: '2024-01-01' },
    columns: ['name', 'email'],
  }),
  'view.remove': () => ({ id: 1 }),
  'dashboard.summary': () => ({ from: '2024-01-01', to: '2024-12-31', staleDays: 3 }),
  'audit.list': () => ({ limit: 10, from: '2024-01-01T00:00:00+01:00', action: 'lead.byId' }),
  'audit.summary': (f) => ({ targetId: f.leadsA[0], targetType: 'lead', outcome: 'denied' }),
  'audit.actions': () => undefined,
  'audit.actors': () => undefined,
  'audit.verify': () => ({ mode: 'full' }),
  'audit.anchor': () => undefined,
  'policy.list': () => undefined,
  'policy.publish': () => ({ label: 'v-ny', effectiveDate: '2030-01-01', body: 'Ny versjon' }),
  'consent.withdraw': (f) => ({ leadId: f.leadsA[0], purpose: 'marketing_email' }),
  'consent.forwarding': (f) => ({ leadId: f.leadsA[0] }),
  'audience.summary': () => undefined,
  'lead.privacy': (f) => ({ id: f.leadsA[0] }),
  'lead.setLegalHold': (f) => ({ id: f.leadsA[0], on: true, reason: 'Tvist om kontrakt' }),
  'lead.setRestricted': (f) => ({ id: f.leadsA[0], on: true, reason: 'Art. 18-krav' }),
  'lead.object': (f) => ({ id: f.leadsA[0], kind: 'other', reason: 'Innsigelse' }),
  'retention.settings': () => undefined,
  'retention.setMonths': () => ({ months: 24 }),
  'retention.upcoming': () => undefined,
  'retention.runs': () => ({}),
  'retention.run': () => ({ dryRun: true }),
  // The fixture has no requests: valid inputs reach the lookup and answer NOT_FOUND.
  'subject.view': () => ({ requestId: 1 }),
  'subject.rectify': (f) => ({
    requestId: 1,
    leadIds: [f.leadsA[0]],
    name: 'Åse Ørnes',
    email: 'ase@example.no',
    phone: '+47 912 34 567',
    message: null,
  }),
  'subject.erase': () => ({ requestId: 1 }),
  'subject.restrict': () => ({ requestId: 1, reason: 'Art. 18-krav' }),
  'subject.object': () => ({ requestId: 1, kind: 'other', reason: 'Innsigelse' }),
  'subject.withdrawConsent': () => ({ requestId: 1 }),
  'subject.seenBy': () => ({ requestId: 1, limit: 20 }),
  'processing.record': () => undefined,
  'dsr.list': () => ({ status: 'received', type: 'access', search: 'ase', openOnly: true }),
  'dsr.counts': () => undefined,
  'dsr.byId': () => ({ id: 1 }),
  'dsr.create': () => ({
    type: 'erasure',
    email: 'ase@example.no',
    phone: '912 34 567',
    channel: 'letter',
    receivedDate: '2026-12-01',
    message: 'Slett meg',
  }),
  'dsr.transition': () => ({ id: 1, to: 'rejected', note: 'Ikke bekreftet' }),
  'dsr.extend': () => ({ id: 1, months: 1, reason: 'Kompleks sak' }),
  'dsr.sendLink': () => ({ id: 1 }),
};

/** More valid starting points where the defaults of missing fields matter (dates, ranges). */
const MORE_SEEDS: Record<string, unknown[]> = {
  'dashboard.summary': [{ from: '2024-01-01' }, { to: '2024-12-31' }, {}],
  'lead.list': [{ from: '2024-01-01' }, { to: '2024-12-31' }, {}],
  'lead.count': [{ from: '2024-01-01' }, { to: '2024-12-31' }, {}],
  'lead.bulkCount': [{ from: '2024-01-01' }, {}],
  'audit.list': [{ from: '2024-01-01T00:00:00Z' }, {}],
  'audit.summary': [{ actorUserId: 1, from: '2024-01-01T00:00:00Z' }, {}],
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Strings that have broken parsers and loops before: odd dates, odd text, odd sizes. */
const nastyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\u200b\u202e\u2066',
    '\u3164',
    '9999-12-31',
    '1000-01-01',
    '1800-01-01',
    '2999-01-01',
    '0000-00-00',
    '2024-02-30',
    '2000-01-01',
    '2100-12-31',
    '1999-12-31',
    '2101-01-01',
    '+010000-01-01',
    '9999-12-31T23:59:59Z',
    '1000-01-01T00:00:00+01:00',
    '2024-02-30T00:00:00Z',
    '2024-12-31T24:00:00Z',
    '9999-12-31T23:59:59-14:00',
    'unassigned',
    '__proto__',
    'constructor',
    "' or 1=1 --",
    '" OR "',
    '*',
    'NEAR(',
    'x'.repeat(5_000),
    'ø'.repeat(70_000),
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) }),
  fc
    .date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
);
const nastyNumber = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    -0,
    0.5,
    2 ** 31,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.integer(),
  fc.double(),
);
/** Dates anywhere, and dates around the allowed range, where long ranges are found. */
const isoDates = fc
  .oneof(
    fc.date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
    fc.date({ min: new Date('1995-01-01'), max: new Date('2105-12-31'), noInvalidDate: true }),
  )
  .map((d) => d.toISOString().slice(0, 10));
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.constantFrom(null, undefined, true, false, [], {}, [[[[]]]]),
  fc.array(fc.integer({ min: -5, max: 2_000 }), { maxLength: 700 }),
  fc.array(nastyString, { maxLength: 5 }),
  fc.dictionary(nastyString, fc.oneof(nastyString, nastyNumber, fc.boolean()), { maxKeys: 5 }),
  fc.anything({ maxDepth: 2, maxKeys: 5 }),
);

/** A replacement of the same kind as the value it replaces, else anything nasty. */
function valueLike(original: unknown): fc.Arbitrary<unknown> {
  if (typeof original === 'string' && ISO_DATE.test(original)) return isoDates;
  if (typeof original === 'string') return nastyString;
  if (typeof original === 'number') return nastyNumber;
  return nastyValue;
}

/** Every key path (depth 2) of a valid sample, so a mutation can land anywhere in it. */
function keyPaths(value: unknown): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: string[][] = [];
  for (const [k, v] of Object.entries(value)) {
    out.push([k]);
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      for (const k2 of Object.keys(v)) out.push([k, k2]);
  }
  return out;
}

function withValue(base: unknown, path: string[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> =
    typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base } : {};
  const [head = '', ...rest] = path;
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = withValue(copy[head], rest, value, remove);
  return copy;
}

/**
 * Near-valid: the valid sample with one to three fields replaced, removed or added; junk:
 * anything at all. Most runs are near-valid, since those reach the code behind the schema.
 */
function payloads(seeds: unknown[]) {
  const mutate = (valid: unknown) => {
    const paths = keyPaths(valid);
    const get = (path: string[]) =>
      path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], valid);
    const mutation = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .nat()
          .chain((at) => {
            const path = paths[at % Math.max(paths.length, 1)] ?? ['x'];
            return fc.record({
              path: fc.constant(path),
              value: fc.oneof({ weight: 3, arbitrary: valueLike(get(path)) }, nastyValue),
            });
          })
          .map((m) => ({ ...m, how: 'replace' as const })),
      },
      {
        weight: 1,
        arbitrary: fc.nat().map((at) => ({
          path: paths[at % Math.max(paths.length, 1)] ?? ['x'],
          value: undefined as unknown,
          how: 'remove' as const,
        })),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          path: nastyString.map((k) => [k]),
          value: nastyValue,
          how: fc.constant('add' as const),
        }),
      },
    );
    return fc
      .array(mutation, { minLength: 1, maxLength: 3 })
      .map((ms) =>
        ms.reduce<unknown>((out, m) => withValue(out, m.path, m.value, m.how === 'remove'), valid),
      );
  };
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 6, arbitrary: seed.chain(mutate) },
    { weight: 1, arbitrary: seed },
    { weight: 2, arbitrary: nastyValue },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 8, withBigInt: true }) },
  );
}

/** Row counts of every table except the access log (a refused attempt is logged by design). */
function rowCounter(handle: Database_) {
  // Real tables only: the full-text index's shadow tables follow the leads table anyway.
  const tables = (
    handle.sqlite
      .prepare(
        `select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' and name not like 'access_log%'
            and name not like 'leads_fts%' and name not like '__drizzle%'`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  expect(tables.length).toBeGreaterThan(5);
  const statement = handle.sqlite.prepare(
    `select ${tables.map((t, i) => `(select count(*) from "${t}") as c${i}`).join(', ')}`,
  );
  return () => {
    const row = statement.get() as Record<string, number>;
    return Object.fromEntries(tables.map((t, i) => [t, row[`c${i}`]]));
  };
}

/** The first role that holds the procedure's permission; anonymous for public ones. */
function callerRole(permission: string): Who {
  if (permission === 'public') return 'anonymous';
  if (permission === 'authenticated') return 'admin';
  const role = ROLES.find((r) => hasPermission(r, permission as Permission));
  if (!role) throw new Error(`no role holds ${permission}`);
  return role === 'subsidiary_user' ? 'userA' : role;
}

/** JSON for any generated value: big integers as strings, undefined as null. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
}

async function timed(call: () => Promise<unknown>) {
  const started = performance.now();
  let code = 'OK';
  try {
    await call();
  } catch (error) {
    code = (error as { code?: string }).code ?? 'THREW';
  }
  calls++;
  return { code, ms: performance.now() - started };
}

describe('property: every tRPC input', () => {
  const runs = Math.ceil(PROCEDURE_CALLS / paths.length);

  it('has a valid sample for every procedure, and no stale ones', () => {
    expect(Object.keys(VALID).sort()).toEqual(paths);
  });

  it('makes at least 10,000 calls in all (each property checks its own count)', () => {
    expect(runs * paths.length + INTAKE_CALLS).toBeGreaterThanOrEqual(10_000);
  });
  it.each(paths)(
    `%s: ${runs} payloads, no 500, nothing stored when refused, < 1 s`,
    async (path) => {
      const t = setup();
      const permission = procedures[path]?._def.meta?.permission ?? 'public';
      const api = t.as(callerRole(permission)) as unknown as Record<
        string,
        Record<string, (input: unknown) => Promise<unknown>>
      >;
      const [area = '', name = ''] = path.split('.');
      const fn = api[area]?.[name];
      if (!fn) throw new Error(`no caller for ${path}`);
      const rows = rowCounter(t.handle);
      const valid = VALID[path]?.(t.f);
      const seeds = [valid, ...(MORE_SEEDS[path] ?? [])];
      const codes = new Map<string, number>();
      const callsBefore = calls;

      await fc.assert(
        fc.asyncProperty(payloads(seeds), async (input) => {
          const before = rows();
          const { code, ms } = await timed(() => fn(input));
          codes.set(code, (codes.get(code) ?? 0) + 1);
          expect(code).not.toBe('INTERNAL_SERVER_ERROR');
          expect(code).not.toBe('THREW');
          expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
          if (code !== 'OK') expect(rows()).toEqual(before);
        }),
        { numRuns: runs, seed: 20_261_201, endOnFailure: true },
      );
      expect(calls - callsBefore).toBe(runs);
      // The generator must reach both sides of the schema for the property to mean anything.
      if (VALID[path]?.(t.f) !== undefined)
        expect(codes.get('BAD_REQUEST') ?? 0).toBeGreaterThan(0);
    },
  );
});

describe('property: the intake endpoint over HTTP', () => {
  it(`${INTAKE_CALLS} posts: no 5xx, nothing stored unless 201, < 1 s`, async () => {
    const t = publicApp({ INTAKE_RATE_LIMIT: '1000000' });
    const valid = validLead({ marketingEmail: true, policyVersion: 'test-1' });
    const statuses = new Map<number, number>();
    const callsBefore = calls;
    const post = fc.oneof(
      { weight: 5, arbitrary: payloads([valid]).map((body) => ({ kind: 'json' as const, body })) },
      {
        weight: 2,
        arbitrary: fc
          .dictionary(
            fc.oneof(fc.constantFrom(...Object.keys(valid), 'website', 'hosted'), nastyString),
            nastyString,
            { maxKeys: 8 },
          )
          .map((fields) => ({ kind: 'form' as const, body: { ...fields } })),
      },
      { weight: 1, arbitrary: nastyString.map((raw) => ({ kind: 'raw' as const, body: raw })) },
    );
    const slug = fc.constantFrom('alfa-park', 'alfa-park', 'alfa-park', 'finnes-ikke', '..%2f', '');

    await fc.assert(
      fc.asyncProperty(post, slug, async (p, s) => {
        const before = t.counts();
        const started = performance.now();
        const res =
          p.kind === 'form'
            ? await postForm(t.app, s, p.body as Record<string, string>)
            : p.kind === 'raw'
              ? await postJson(t.app, s, p.body as string)
              : await postJson(t.app, s, toJson(p.body));
        await res.arrayBuffer();
        const ms = performance.now() - started;
        calls++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
        // A form post that succeeds is a 303 to the thank-you page.
        if (res.status !== 201 && res.status !== 303) expect(t.counts()).toEqual(before);
      }),
      { numRuns: INTAKE_CALLS, seed: 20_261_201, endOnFailure: true },
    );
    expect(calls - callsBefore).toBe(INTAKE_CALLS);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect((statuses.get(201) ?? 0) + (statuses.get(303) ?? 0)).toBeGreaterThan(0);
    // About 12 s alone; more when the other packages' suites share the two cores.
  }, 120_000);
});
