import { schema } from '@mg/db';
import { makeLead, makeUser, TEST_PASSWORD_HASH } from '@mg/db/testing';
import { LEAD_BULK_MAX } from '@mg/shared';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outcome, setup } from './helpers';

const { leads } = schema;

/**
 * "Select all N matching" and the undo of a bulk change: the server resolves the filter in
 * the caller's scope, refuses more than the bulk limit, and restores only what the caller may
 * change; both log the lead ids.
 */
function grid() {
  const t = setup();
  const [a0 = 0, a1 = 0, a2 = 0] = t.f.leadsA;
  const [b0 = 0, b1 = 0] = t.f.leadsB;
  // A restricted lead takes no bulk change: "all matching" leaves it out.
  t.handle.db.update(leads).set({ restricted: true }).where(eq(leads.id, a2)).run();
  const colleagueA = makeUser(t.handle.db, {
    email: 'kollega.a@test.no',
    role: 'subsidiary_user',
    subsidiaryId: t.f.subA,
    passwordHash: TEST_PASSWORD_HASH,
  });
  const values = (ids: number[]) =>
    t.handle.db
      .select({ id: leads.id, status: leads.status, assigneeUserId: leads.assigneeUserId })
      .from(leads)
      .where(inArray(leads.id, ids))
      .orderBy(leads.id)
      .all();
  return { ...t, a0, a1, a2, b0, b1, colleagueA, values };
}

describe('bulk change of every lead the filter matches', () => {
  it('changes the workable matches in scope only, and logs their ids', async () => {
    const t = grid();
    // The subsidiary user asks for everything, even another subsidiary's: scope decides.
    const res = await t
      .as('userA')
      .lead.bulkUpdate({ matching: { subsidiaryId: t.f.subB }, status: 'contacted' })
      .catch((e) => e);
    expect(res.code).toBe('BAD_REQUEST');
    expect(t.values([t.b0, t.b1]).map((r) => r.status)).toEqual(['new', 'new']);

    const all = await t.as('userA').lead.bulkUpdate({ matching: {}, status: 'contacted' });
    expect(all.ids.sort()).toEqual([t.a0, t.a1].sort());
    expect(all.updated).toBe(2);
    expect(t.values([t.a0, t.a1, t.a2, t.b0, t.b1]).map((r) => r.status)).toEqual([
      'contacted',
      'contacted',
      'new',
      'new',
      'new',
    ]);
    const entry = t.lastEntry();
    expect(entry).toMatchObject({ action: 'lead.bulkUpdate', outcome: 'ok', targetCount: 2 });
    expect(JSON.parse(entry?.targetIds ?? '[]').sort()).toEqual([t.a0, t.a1].sort());
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ matching: true, changed: 2 });

    // The filter narrows within scope: several statuses at once.
    const narrowed = await t.as('admin').lead.bulkUpdate({
      matching: { status: ['new'], subsidiaryId: t.f.subB },
      assigneeUserId: t.f.users.userB,
    });
    expect(narrowed.ids.sort()).toEqual([...t.f.leadsB].sort());
    expect(t.values([t.a0]).map((r) => r.assigneeUserId)).toEqual([null]);
  });

  it('offers "all N matching" with the N the change then touches', async () => {
    const t = grid();
    // Besides the restricted a2: an anonymised lead in A, and a held one (which can change).
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const anonymised = makeLead(t.handle.db, project);
    t.handle.db
      .update(leads)
      .set({ anonymisedAt: Date.now(), name: null, email: null, phone: null })
      .where(eq(leads.id, anonymised))
      .run();
    const held = makeLead(t.handle.db, project);
    t.handle.db.update(leads).set({ legalHold: true }).where(eq(leads.id, held)).run();
    const cases: [
      Parameters<ReturnType<typeof t.as>['lead']['bulkCount']>[0],
      'userA' | 'admin',
    ][] = [
      [{}, 'userA'],
      [{ status: ['new'] }, 'userA'],
      [{ legalHold: true }, 'userA'],
      [{}, 'admin'],
      [{ subsidiaryId: t.f.subA }, 'admin'],
      [{ restricted: true }, 'admin'],
      [{ anonymised: true }, 'admin'],
      [{ restricted: false, anonymised: false }, 'admin'],
    ];
    for (const [filter, who] of cases) {
      const label = JSON.stringify({ filter, who });
      const offered = await t.as(who).lead.bulkCount(filter);
      // What the grid counts shows the restricted and anonymised leads too; the offer not.
      const shown = await t.as(who).lead.count(filter);
      expect(offered.capped, label).toBe(false);
      expect(offered.total, label).toBeLessThanOrEqual(shown.total);
      const changed = await t
        .as(who)
        .lead.bulkUpdate({ matching: filter, status: 'follow_up' })
        .then((r) => r.ids.length)
        .catch(() => {
          // Nothing to change: the offer is 0, and the change says so instead of touching 0.
          expect(offered.total, label).toBe(0);
          return 0;
        });
      expect(offered.total, label).toBe(changed);
    }
    const all = await t.as('userA').lead.count({});
    const offered = await t.as('userA').lead.bulkCount({});
    expect(all.total - offered.total).toBe(2); // the restricted a2 and the anonymised lead
  });

  it('offers "all matching" only up to the bulk limit, and says when there are more', async () => {
    const t = grid();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    t.handle.db.transaction((tx) => {
      for (let i = 0; i < LEAD_BULK_MAX - 1; i++) makeLead(tx, project);
    });
    // a0, a1 and the new ones: one more than the limit.
    expect(await t.as('userA').lead.bulkCount({})).toEqual({ total: LEAD_BULK_MAX, capped: true });
    t.handle.db.update(leads).set({ status: 'closed' }).where(eq(leads.id, t.a0)).run();
    expect(await t.as('userA').lead.bulkCount({ status: ['new'] })).toEqual({
      total: LEAD_BULK_MAX,
      capped: false,
    });
  });

  it(`refuses more than ${LEAD_BULK_MAX} matches, and changes nothing`, async () => {
    const t = grid();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const extra = t.handle.db.transaction((tx) =>
      Array.from({ length: LEAD_BULK_MAX - 1 }, () => makeLead(tx, project)),
    );
    // a0, a1 and the extra leads: one more than the limit (a2 is restricted, not counted).
    const err = await t
      .as('userA')
      .lead.bulkUpdate({ matching: {}, status: 'sold' })
      .catch((e) => e);
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.cause?.domainCode).toBe('tooManyLeads');
    expect(err.cause?.fieldErrors?.ids?.[0]).toEqual({
      key: 'tooLong',
      params: { max: LEAD_BULK_MAX },
    });
    const sold = t.handle.db.select().from(leads).where(eq(leads.status, 'sold')).all();
    expect(sold).toEqual([]);
    // Exactly the limit passes.
    t.handle.db.update(leads).set({ status: 'closed' }).where(eq(leads.id, t.a0)).run();
    const ok = await t
      .as('userA')
      .lead.bulkUpdate({ matching: { status: ['new'] }, status: 'sold' });
    expect(ok.ids).toHaveLength(LEAD_BULK_MAX);
    expect(ok.ids).toContain(extra[0]);
  });
});

describe('undo of a bulk change', () => {
  it('puts each lead’s own previous value back, and logs it', async () => {
    const t = grid();
    await t.as('userA').lead.assign({ id: t.a0, assigneeUserId: t.colleagueA });
    await t.as('userA').lead.updateStatus({ id: t.a1, status: 'follow_up' });
    const before = t.values([t.a0, t.a1]);
    const change = await t.as('userA').lead.bulkUpdate({
      ids: [t.a0, t.a1],
      status: 'contacted',
      assigneeUserId: t.f.users.userA,
    });
    expect(change.previous).toEqual([
      { id: t.a0, status: 'new', assigneeUserId: t.colleagueA },
      { id: t.a1, status: 'follow_up', assigneeUserId: null },
    ]);
    const undo = await t.as('userA').lead.bulkRestore({ items: change.previous });
    expect(undo).toEqual({ restored: 2, ids: [t.a0, t.a1] });
    expect(t.values([t.a0, t.a1])).toEqual(before);
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.bulkRestore',
      outcome: 'ok',
      targetIds: JSON.stringify([t.a0, t.a1]),
    });
    expect(JSON.parse(t.lastEntry()?.detail ?? '{}')).toMatchObject({ undo: true, changed: 2 });
  });

  it('reports only leads that changed, so an undo never touches the others', async () => {
    const t = grid();
    await t.as('userA').lead.updateStatus({ id: t.a0, status: 'contacted' });
    const change = await t.as('userA').lead.bulkUpdate({ ids: [t.a0, t.a1], status: 'contacted' });
    expect(change.previous).toEqual([{ id: t.a1, status: 'new' }]);
  });

  it('is scoped: another subsidiary’s lead is NOT_FOUND and nothing is restored', async () => {
    const t = grid();
    const change = await t.as('admin').lead.bulkUpdate({ ids: [t.b0], status: 'closed' });
    const mixed = [...change.previous, { id: t.a0, status: 'sold' as const }];
    expect(await outcome(t.as('userA').lead.bulkRestore({ items: mixed }))).toBe('NOT_FOUND');
    expect(t.lastEntry()).toMatchObject({ action: 'lead.bulkRestore', outcome: 'denied' });
    expect(t.values([t.a0, t.b0]).map((r) => r.status)).toEqual(['new', 'closed']);
    // Nor can it give a lead to someone outside the lead's subsidiary, or touch a restricted one.
    expect(
      await outcome(
        t.as('userA').lead.bulkRestore({ items: [{ id: t.a0, assigneeUserId: t.f.users.userB }] }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await outcome(t.as('userA').lead.bulkRestore({ items: [{ id: t.a2, status: 'sold' }] })),
    ).toBe('CONFLICT');
    expect(t.values([t.a0, t.a2])).toEqual([
      { id: t.a0, status: 'new', assigneeUserId: null },
      { id: t.a2, status: 'new', assigneeUserId: null },
    ]);
  });
});
