// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { flushAnonymousDenials, iterateLeadsForExport, schema } from '@mg/db';
import {
  createTestDatabase,
  makeLead,
  makeUser,
  seedFixture,
  TEST_PASSWORD_HASH,
} from '@mg/db/testing';
import { leadExportPath, osloDate, scopeFor } from '@mg/shared';
import { and, desc, eq, gt } from 'drizzle-orm';
import pino from 'pino';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadEnv } from '../src/env';
import { LOG_IDS_PART } from '../src/lib/access-log';
import { hashPassword } from '../src/lib/password';
import { EXPORT_CHUNK_ROWS } from '../src/public/export-leads';
import { createApp } from '../src/server';
import { outcome, setup } from './helpers';

const { leads, leadActivities, accessLog } = schema;

/** A setup with a restricted lead in A and one more active user in A. */
function workspace() {
  const t = setup();
  const [a0 = 0, a1 = 0, a2 = 0] = t.f.leadsA;
  const [b0 = 0, b1 = 0] = t.f.leadsB;
  t.handle.db.update(leads).set({ restricted: true }).where(eq(leads.id, a2)).run();
  const colleagueA = makeUser(t.handle.db, {
    email: 'a2@test.no',
    role: 'subsidiary_user',
    subsidiaryId: t.f.subA,
    passwordHash: TEST_PASSWORD_HASH,
  });
  const activities = (leadId: number) =>
    t.handle.db
      .select()
      .from(leadActivities)
      .where(eq(leadActivities.leadId, leadId))
      .orderBy(leadActivities.id)
      .all();
  const lead = (id: number) => t.handle.db.select().from(leads).where(eq(leads.id, id)).get();
  return { ...t, a0, a1, a2, b0, b1, colleagueA, activities, lead };
}

describe('scope on every path', () => {
  it('grid, count and search never include another subsidiary’s leads', async () => {
    const t = workspace();
    const all = await t.as('userA').lead.list({ limit: 50, sort: 'name', dir: 'asc' });
    expect(all.items.map((l) => l.id).sort()).toEqual([t.a0, t.a1, t.a2].sort());
    expect(await t.as('userA').lead.count({})).toEqual({ total: 3, capped: false });
    const forced = await t.as('userA').lead.list({ limit: 50, subsidiaryId: t.f.subB });
    expect(forced).toMatchObject({ items: [] });
    expect(await t.as('userA').lead.count({ subsidiaryId: t.f.subB })).toEqual({
      total: 0,
      capped: false,
    });
    expect(await t.as('userA').lead.count({ search: 'Åse Ørnes' })).toEqual({
      total: 1,
      capped: false,
    });
    // The same person has a lead at B; the search finds only A's.
    const search = await t.as('userA').lead.list({ limit: 50, search: 'Åse Ørnes' });
    expect(search.items.map((l) => l.id)).toEqual([t.a0]);
    const searchAll = await t.as('admin').lead.list({ limit: 50, search: 'åse' });
    expect(searchAll.items.map((l) => l.id).sort()).toEqual([t.a0, t.b0].sort());
    // Walking pages by cursor stays inside scope too.
    let cursor: string | undefined;
    const seen: number[] = [];
    do {
      const page = await t.as('userB').lead.list({ limit: 1, cursor, sort: 'status' });
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([...t.f.leadsB].sort());
  });

  it('logs a grid page with the ids shown and never the words searched', async () => {
    const t = workspace();
    await t.as('userA').lead.list({ limit: 50, search: 'Ørnes', status: 'new' });
    const entry = t.lastEntry();
    expect(entry).toMatchObject({ action: 'lead.list', outcome: 'ok', purpose: 'follow_up' });
    expect(JSON.parse(entry?.targetIds ?? '[]')).toEqual([t.a0]);
    expect(entry?.detail).not.toMatch(/ørnes/i);
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({
      searched: true,
      filters: ['status'],
    });
  });

  it('refuses a cursor from another sort with a field error', async () => {
    const t = workspace();
    const page = await t.as('admin').lead.list({ limit: 1 });
    const call = t.as('admin').lead.list({ limit: 1, sort: 'name', cursor: page.nextCursor ?? '' });
    await expect(call).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('saved views: visibility by owner, subsidiary and everyone; applying one stays scoped', async () => {
    const t = workspace();
    const mine = await t.as('userA').view.save({
      name: 'Mine nye',
      visibility: 'personal',
      filter: { status: 'new' },
    });
    const shared = await t.as('userA').view.save({
      name: 'Felles A',
      visibility: 'subsidiary',
      filter: { sort: 'name', dir: 'asc' },
      columns: ['name', 'status'],
    });
    const everyone = await t.as('admin').view.save({
      name: 'Alle B-leads',
      visibility: 'everyone',
      filter: { subsidiaryId: t.f.subB },
    });
    const forA = await t.as('userA').view.list();
    expect(forA.map((v) => v.id).sort()).toEqual([mine.id, shared.id, everyone.id].sort());
    const forB = await t.as('userB').view.list();
    expect(forB.map((v) => v.id)).toEqual([everyone.id]);
    const sharedView = forA.find((v) => v.id === shared.id);
    expect(sharedView).toMatchObject({ columns: ['name', 'status'], own: true });
    // Applying the admin's "B" view as user A shows none of B's leads.
    const applied = forA.find((v) => v.id === everyone.id);
    if (!applied) throw new Error('view missing');
    const page = await t.as('userA').lead.list({ ...applied.filter, limit: 50 });
    expect(page.items).toEqual([]);
    const asB = await t.as('userB').lead.list({ ...applied.filter, limit: 50 });
    expect(asB.items.map((l) => l.id).sort()).toEqual([...t.f.leadsB].sort());
  });

  it('saved views: who may share with everyone, remove or change', async () => {
    const t = workspace();
    expect(
      await outcome(t.as('userA').view.save({ name: 'x', visibility: 'everyone', filter: {} })),
    ).toBe('FORBIDDEN');
    expect(
      await outcome(t.as('admin').view.save({ name: 'x', visibility: 'subsidiary', filter: {} })),
    ).toBe('BAD_REQUEST');
    const own = await t.as('userA').view.save({ name: 'A', visibility: 'subsidiary', filter: {} });
    const personal = await t
      .as('userA')
      .view.save({ name: 'P', visibility: 'personal', filter: {} });
    // Another subsidiary cannot see it, so for them it does not exist.
    expect(await outcome(t.as('userB').view.remove({ id: own.id }))).toBe('NOT_FOUND');
    expect(t.lastEntry()).toMatchObject({ action: 'view.remove', outcome: 'denied' });
    expect(
      await outcome(
        t.as('userB').view.save({ id: own.id, name: 'mine', visibility: 'personal', filter: {} }),
      ),
    ).toBe('NOT_FOUND');
    await t.as('userA').view.save({ id: own.id, name: 'A2', visibility: 'subsidiary', filter: {} });
    expect((await t.as('userA').view.list()).find((v) => v.id === own.id)?.name).toBe('A2');
    expect(await outcome(t.as('admin').view.remove({ id: personal.id }))).toBe('OK');
    await t.as('userA').view.remove({ id: own.id });
    expect(await t.as('userA').view.list()).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ action: 'view.remove', targetType: 'view' });
  });

  it('dashboard numbers count only the caller’s subsidiary, on the Oslo day', async () => {
    // 00:30 in Oslo on the day summer time starts: still the day before in UTC, the hour
    // in which a UTC "today" used to find no leads at all.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-28T23:30:00Z'));
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const t = workspace();
    const today = osloDate(Date.now());
    expect(today).toBe('2026-03-29');
    const a = await t.as('userA').dashboard.summary({ from: today, to: today, staleDays: 0 });
    expect(a.total).toBe(3);
    expect(a.leadsPerPeriod.bySubsidiary.map((s) => s.subsidiaryId)).toEqual([t.f.subA]);
    expect(a.leadsPerPeriod.byProject.map((p) => p.projectId)).toEqual([t.f.projectA]);
    expect(a.statusFunnel.find((s) => s.status === 'new')?.count).toBe(3);
    expect(a.consentRate[0]).toMatchObject({ purpose: 'marketing_email', granted: 1, total: 3 });
    const all = await t.as('admin').dashboard.summary({ from: today, to: today });
    expect(all.total).toBe(6);
    expect(t.lastEntry()).toMatchObject({ action: 'dashboard.summary', outcome: 'ok' });
    expect(await outcome(t.as('auditor').dashboard.summary({}))).toBe('FORBIDDEN');
    // The default range ends on the Oslo day too.
    const byDefault = await t.as('admin').dashboard.summary({});
    expect(byDefault.range.to).toBe('2026-03-29');
    expect(byDefault.total).toBe(6);
  });

  it('the export iterator never crosses scope and leaves restricted leads out', () => {
    const t = workspace();
    const rows = [
      ...iterateLeadsForExport(t.handle.db, {
        scope: scopeFor({ role: 'subsidiary_user', subsidiaryId: t.f.subA }),
        filter: { subsidiaryId: t.f.subB },
      }),
    ].flat();
    expect(rows).toEqual([]);
    const mine = [
      ...iterateLeadsForExport(t.handle.db, {
        scope: scopeFor({ role: 'subsidiary_user', subsidiaryId: t.f.subA }),
        filter: {},
        chunkSize: 1,
      }),
    ]
      .flat()
      .map((r) => r.id);
    expect(mine.sort()).toEqual([t.a0, t.a1].sort());
  });
});

describe('lead page and changes', () => {
  it('changes status with who and when, on the lead and in the timeline', async () => {
    const t = workspace();
    const before = t.lead(t.a0);
    const res = await t.as('userA').lead.updateStatus({ id: t.a0, status: 'contacted' });
    expect(res).toEqual({ id: t.a0, status: 'contacted', changed: true });
    const after = t.lead(t.a0);
    expect(after?.status).toBe('contacted');
    expect(after?.statusChangedAt).toBeGreaterThanOrEqual(before?.statusChangedAt ?? 0);
    expect(after?.lastActivityAt).toBe(after?.statusChangedAt);
    expect(t.activities(t.a0).at(-1)).toMatchObject({
      kind: 'status',
      fromValue: 'new',
      toValue: 'contacted',
      actorUserId: t.f.users.userA,
    });
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.updateStatus',
      targetIds: JSON.stringify([t.a0]),
      outcome: 'ok',
    });
    const page = await t.as('userA').lead.byId({ id: t.a0 });
    expect(page.activity[0]).toMatchObject({
      kind: 'status',
      toValue: 'contacted',
      actorUserId: t.f.users.userA,
    });
    expect(page.activity[0]?.actorName).toBeTruthy();
    expect(page.disclosures).toHaveLength(1);
    expect(page.consent[0]).toMatchObject({ purpose: 'marketing_email', granted: true });
  });

  it('assigns only active users of the lead’s own subsidiary', async () => {
    const t = workspace();
    const wrong = await t
      .as('admin')
      .lead.assign({ id: t.a0, assigneeUserId: t.f.users.userB })
      .catch((e) => e);
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(wrong.cause?.fieldErrors?.assigneeUserId?.[0]?.key).toBe('invalid');
    t.handle.db
      .update(schema.users)
      .set({ active: false })
      .where(eq(schema.users.id, t.colleagueA))
      .run();
    expect(
      await outcome(t.as('userA').lead.assign({ id: t.a0, assigneeUserId: t.colleagueA })),
    ).toBe('BAD_REQUEST');
    expect(t.lead(t.a0)?.assigneeUserId).toBeNull();
    await t.as('userA').lead.assign({ id: t.a0, assigneeUserId: t.f.users.userA });
    expect(t.lead(t.a0)?.assigneeUserId).toBe(t.f.users.userA);
    await t.as('userA').lead.assign({ id: t.a0, assigneeUserId: null });
    const timeline = (await t.as('userA').lead.byId({ id: t.a0 })).activity;
    const nameA = t.handle.db
      .select({ name: schema.users.name })
      .from(schema.users)
      .where(eq(schema.users.id, t.f.users.userA))
      .get()?.name;
    expect(timeline.map((a) => [a.kind, a.fromUserName, a.toUserName])).toEqual([
      ['assignee', nameA, null],
      ['assignee', null, nameA],
    ]);
    const assignees = await t.as('userA').lead.assignees({ leadId: t.a0 });
    expect(assignees.map((u) => u.id)).toEqual([t.f.users.userA]);
    expect(await outcome(t.as('userA').lead.assignees({ leadId: t.b0 }))).toBe('NOT_FOUND');
  });

  it('adds notes to the timeline; the log says a note was added, not what it says', async () => {
    const t = workspace();
    await t.as('userA').lead.addNote({ id: t.a1, body: '  Kunden ønsker visning tirsdag  ' });
    expect(t.activities(t.a1).at(-1)).toMatchObject({
      kind: 'note',
      body: 'Kunden ønsker visning tirsdag',
      actorUserId: t.f.users.userA,
    });
    const entry = t.lastEntry();
    expect(entry).toMatchObject({ action: 'lead.addNote', targetIds: JSON.stringify([t.a1]) });
    expect(entry?.detail).not.toMatch(/visning/);
    expect(await outcome(t.as('userA').lead.addNote({ id: t.a1, body: '' }))).toBe('BAD_REQUEST');
    expect(await outcome(t.as('userA').lead.addNote({ id: t.b1, body: 'x' }))).toBe('NOT_FOUND');
    expect(t.activities(t.b1)).toEqual([]);
  });

  it('leaves restricted leads alone', async () => {
    const t = workspace();
    const err = await t
      .as('userA')
      .lead.updateStatus({ id: t.a2, status: 'closed' })
      .catch((e) => e);
    expect(err.code).toBe('CONFLICT');
    expect(err.cause?.domainCode).toBe('leadRestricted');
    expect(t.lead(t.a2)?.status).toBe('new');
  });

  it('bulk changes are all or nothing', async () => {
    const t = workspace();
    // One id of another subsidiary: NOT_FOUND, logged as denied, nothing changed.
    expect(
      await outcome(t.as('userA').lead.bulkUpdate({ ids: [t.a0, t.a1, t.b0], status: 'closed' })),
    ).toBe('NOT_FOUND');
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.bulkUpdate',
      outcome: 'denied',
      targetIds: JSON.stringify([t.b0]),
    });
    expect([t.lead(t.a0)?.status, t.lead(t.a1)?.status]).toEqual(['new', 'new']);
    expect(t.activities(t.a0)).toEqual([]);
    // A restricted lead in the selection: CONFLICT, nothing changed.
    expect(
      await outcome(t.as('userA').lead.bulkUpdate({ ids: [t.a0, t.a2], status: 'closed' })),
    ).toBe('CONFLICT');
    expect(t.lead(t.a0)?.status).toBe('new');
    // One assignee for leads of two subsidiaries: BAD_REQUEST, nothing changed.
    expect(
      await outcome(
        t.as('admin').lead.bulkUpdate({
          ids: [t.a0, t.b0],
          status: 'contacted',
          assigneeUserId: t.f.users.userA,
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect([t.lead(t.a0)?.status, t.lead(t.b0)?.status]).toEqual(['new', 'new']);
    // All in scope: every lead changes, one timeline row per change, one log entry.
    const res = await t.as('userA').lead.bulkUpdate({
      ids: [t.a0, t.a1, t.a0],
      status: 'follow_up',
      assigneeUserId: t.colleagueA,
    });
    expect(res).toMatchObject({ updated: 2, ids: [t.a0, t.a1] });
    for (const id of [t.a0, t.a1]) {
      expect(t.lead(id)).toMatchObject({ status: 'follow_up', assigneeUserId: t.colleagueA });
      expect(t.activities(id).map((a) => a.kind)).toEqual(['status', 'assignee']);
    }
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.bulkUpdate',
      outcome: 'ok',
      targetIds: JSON.stringify([t.a0, t.a1]),
      targetCount: 2,
    });
  });
});

describe('CSV export over HTTP', () => {
  const PASSWORD = 'riktig-passord-123';
  let app: ReturnType<typeof createApp>;
  let handle: ReturnType<typeof createTestDatabase>;
  let f: ReturnType<typeof seedFixture>;
  let many: number[] = [];

  beforeAll(async () => {
    handle = createTestDatabase();
    f = seedFixture(handle, await hashPassword(PASSWORD));
    // Enough rows for several keyset chunks, plus a restricted one.
    many = handle.db.transaction((tx) =>
      Array.from({ length: 2100 }, (_, i) =>
        makeLead(
          tx,
          { id: f.projectA, subsidiaryId: f.subA },
          { createdAt: 1_700_000_000_000 + (i % 50) },
        ),
      ),
    );
    handle.db
      .update(leads)
      .set({ restricted: true })
      .where(eq(leads.id, f.leadsA[1] ?? 0))
      .run();
    app = createApp({
      db: handle.db,
      env: loadEnv({ NODE_ENV: 'test' }),
      log: pino({ level: 'silent' }),
    });
  });

  async function cookieFor(email: string) {
    const res = await app.request('/trpc/auth.login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }
  const lastEntry = () =>
    handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).limit(1).get();

  const entriesAfter = (id: number) =>
    handle.db.select().from(accessLog).where(gt(accessLog.id, id)).orderBy(accessLog.id).all();

  it('streams exactly the filter’s rows and columns in scope, and logs ids and count', async () => {
    const cookie = await cookieFor('a@test.no');
    const path = leadExportPath(
      { subsidiaryId: f.subB, sort: 'createdAt', dir: 'asc' },
      ['id'],
      'follow_up',
    );
    const none = await app.request(path, { headers: { cookie } });
    expect(none.status).toBe(200);
    // A UTF-8 byte-order mark first, so spreadsheet programs read æ ø å right.
    const bytes = new Uint8Array(await none.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes).trim()).toBe('ID');

    const before = lastEntry()?.id ?? 0;
    const res = await app.request(
      leadExportPath(
        { sort: 'createdAt', dir: 'asc' },
        ['id', 'name', 'status', 'consentEmail'],
        'reporting',
      ),
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="leads-/);
    // Norwegian Excel: semicolons, CRLF, Norwegian headers and labels.
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('ID;Navn;Status;Samtykke e-post');
    const ids = lines.slice(1).map((l) => Number(l.split(';')[0]));
    const expected = [...many, f.leadsA[0] ?? 0, f.leadsA[2] ?? 0];
    expect(ids.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(ids).not.toContain(f.leadsA[1]); // restricted
    expect(lines).toContain(`${f.leadsA[0]};Åse Ørnes;Ny;Ja`);
    // The ids are logged after the download, in parts of LOG_IDS_PART a turn apart.
    const parts = () => entriesAfter(before).filter((e) => e.action === 'lead.export');
    await vi.waitFor(() =>
      expect(parts().reduce((n, e) => n + (e.targetCount ?? 0), 0)).toBe(expected.length),
    );
    const logged = parts();
    expect(logged).toHaveLength(Math.ceil(expected.length / LOG_IDS_PART));
    for (const entry of logged) {
      expect(entry).toMatchObject({
        outcome: 'ok',
        purpose: 'administration',
        targetType: 'lead',
        actorUserId: f.users.userA,
      });
      expect(entry.targetCount).toBeLessThanOrEqual(LOG_IDS_PART);
      expect(JSON.parse(entry.detail ?? '{}')).toMatchObject({
        exportPurpose: 'reporting',
        count: expected.length,
        columns: ['id', 'name', 'status', 'consentEmail'],
      });
    }
    const named = logged.flatMap((e) => JSON.parse(e.targetIds ?? '[]') as number[]);
    expect(named.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    // The per-target index has a row per exported id.
    const targets = handle.db
      .select()
      .from(schema.accessLogTargets)
      .where(
        and(
          gt(schema.accessLogTargets.entryId, before),
          eq(schema.accessLogTargets.targetType, 'lead'),
        ),
      )
      .all()
      .filter((t) => logged.some((e) => e.id === t.entryId));
    expect(targets).toHaveLength(expected.length);
  });

  it('logs the start (filter keys, purpose) before the first row, and the end with the ids', async () => {
    const cookie = await cookieFor('a@test.no');
    const before = lastEntry()?.id ?? 0;
    const res = await app.request(
      leadExportPath({ status: 'new', search: 'Ørnes' }, ['id', 'name'], 'handover'),
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    // Not a byte of the body read yet: the start is in the log, the end is not.
    const [started, ...rest] = entriesAfter(before);
    expect(rest).toEqual([]);
    expect(started).toMatchObject({
      action: 'lead.exportStarted',
      outcome: 'ok',
      purpose: 'follow_up',
      targetType: 'lead',
      targetIds: null,
      actorUserId: f.users.userA,
    });
    expect(JSON.parse(started?.detail ?? '{}')).toMatchObject({
      exportPurpose: 'handover',
      columns: ['id', 'name'],
      filters: ['status'],
      searched: true,
    });
    expect(started?.detail).not.toMatch(/ørnes/i);

    const ids = (await res.text())
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(';')[0]));
    expect(ids).toEqual([f.leadsA[0]]);
    const [, done, ...more] = entriesAfter(before);
    expect(more).toEqual([]);
    expect(done).toMatchObject({
      action: 'lead.export',
      outcome: 'ok',
      requestId: started?.requestId,
      targetIds: JSON.stringify(ids),
      targetCount: 1,
    });
  });

  it('a download that breaks off keeps its start entry and logs the ids sent so far', async () => {
    const cookie = await cookieFor('a@test.no');
    const before = lastEntry()?.id ?? 0;
    const res = await app.request(leadExportPath({}, ['id'], 'follow_up'), {
      headers: { cookie },
    });
    const reader = res.body?.getReader();
    await reader?.read(); // the header
    await reader?.read(); // the first chunk of rows
    await reader?.cancel();
    const entries = entriesAfter(before);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['lead.exportStarted', 'ok'],
      ['lead.export', 'error'],
    ]);
    // What left the database (the stream reads one chunk ahead), not every lead in scope.
    expect(entries[1]?.targetCount).toBeGreaterThanOrEqual(EXPORT_CHUNK_ROWS);
    expect(entries[1]?.targetCount).toBeLessThan(many.length);
    expect(JSON.parse(entries[1]?.detail ?? '{}')).toMatchObject({ reason: 'aborted' });
  });

  it('keeps the search words out of the log and the file to the search', async () => {
    const cookie = await cookieFor('admin@test.no');
    const res = await app.request(
      leadExportPath({ search: 'Ørnes' }, ['id', 'subsidiary'], 'handover'),
      {
        headers: { cookie },
      },
    );
    const lines = (await res.text()).trim().split('\n').slice(1);
    expect(lines.map((l) => Number(l.split(';')[0])).sort()).toEqual(
      [f.leadsA[0] ?? 0, f.leadsB[0] ?? 0].sort(),
    );
    expect(lastEntry()?.detail).not.toMatch(/ørnes/i);
  });

  it('refuses without lead:export, without a session, cross-site and with bad input', async () => {
    const path = leadExportPath({}, ['id', 'name'], 'follow_up');
    for (const email of ['auditor@test.no', 'po@test.no']) {
      const res = await app.request(path, { headers: { cookie: await cookieFor(email) } });
      expect(res.status).toBe(403);
      expect(lastEntry()).toMatchObject({ action: 'lead.export', outcome: 'denied' });
      expect(lastEntry()?.targetIds).toBeNull();
    }
    const anonymous = await app.request(path);
    expect(anonymous.status).toBe(401);
    // Anonymous denials are summed up per IP and minute: written once the minute is over.
    handle.db.transaction((tx) => flushAnonymousDenials(tx, Date.now(), { all: true }));
    expect(lastEntry()).toMatchObject({
      action: 'anonymous.denied',
      outcome: 'denied',
      actorUserId: null,
    });
    expect(JSON.parse(lastEntry()?.detail ?? '{}')).toMatchObject({
      count: 1,
      actions: ['lead.export'],
    });
    const cookie = await cookieFor('a@test.no');
    const crossSite = await app.request(path, {
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    for (const bad of [
      '/api/exports/leads.csv?columns=id,passwordHash&purpose=follow_up',
      '/api/exports/leads.csv?columns=id&purpose=because',
      '/api/exports/leads.csv?columns=&purpose=follow_up',
      '/api/exports/leads.csv?filter=%7Bnope&columns=id&purpose=follow_up',
      '/api/exports/leads.csv?filter=%7B%22from%22%3A%222024-02-01%22%2C%22to%22%3A%222024-01-01%22%7D&columns=id&purpose=follow_up',
    ]) {
      const res = await app.request(bad, { headers: { cookie } });
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as any).error.fieldErrors).toBeDefined();
    }
  });
});
