import { describe, expect, it } from 'vitest';
import { outcome, setup } from './helpers';

describe('record scope through the API', () => {
  it('a subsidiary user lists only their own leads', async () => {
    const t = setup();
    const page = await t.as('userA').lead.list({ limit: 50 });
    expect(page.items.map((l) => l.id).sort()).toEqual([...t.f.leadsA].sort());
    const forced = await t.as('userA').lead.list({ limit: 50, subsidiaryId: t.f.subB });
    expect(forced.items).toEqual([]);
  });

  it("a subsidiary user's count covers only their subsidiary, and is logged", async () => {
    const t = setup();
    expect(await t.as('userA').lead.count({})).toEqual({ total: 3, capped: false });
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.count',
      outcome: 'ok',
      actorUserId: t.f.users.userA,
      purpose: 'follow_up',
    });
    // Naming another subsidiary does not widen the scope: it narrows to nothing.
    expect(await t.as('userA').lead.count({ subsidiaryId: t.f.subB })).toEqual({
      total: 0,
      capped: false,
    });
    expect(await t.as('userB').lead.count({})).toEqual({ total: 3, capped: false });
    expect(await t.as('admin').lead.count({})).toEqual({ total: 6, capped: false });
    expect(await t.as('admin').lead.count({ subsidiaryId: t.f.subB })).toEqual({
      total: 3,
      capped: false,
    });
  });

  it("another subsidiary's lead is NOT_FOUND and logged as denied", async () => {
    const t = setup();
    const other = t.f.leadsB[1] ?? 0;
    expect(await outcome(t.as('userA').lead.byId({ id: other }))).toBe('NOT_FOUND');
    expect(t.lastEntry()).toMatchObject({
      action: 'lead.byId',
      outcome: 'denied',
      targetType: 'lead',
      targetIds: JSON.stringify([other]),
      actorUserId: t.f.users.userA,
    });
    // A lead that does not exist at all answers the same way.
    expect(await outcome(t.as('userA').lead.byId({ id: 999_999 }))).toBe('NOT_FOUND');
  });

  it('related leads never cross into another subsidiary', async () => {
    const t = setup();
    const mine = await t.as('userA').lead.byId({ id: t.f.leadsA[0] ?? 0 });
    expect(mine.related).toEqual([]);
    const all = await t.as('admin').lead.byId({ id: t.f.leadsA[0] ?? 0 });
    expect(all.related.map((r) => r.id)).toEqual([t.f.leadsB[0]]);
  });

  it('projects and subsidiaries are scoped the same way', async () => {
    const t = setup();
    expect((await t.as('userA').project.list()).map((p) => p.id)).toEqual([t.f.projectA]);
    expect(await outcome(t.as('userA').project.byId({ id: t.f.projectB }))).toBe('NOT_FOUND');
    expect((await t.as('userA').subsidiary.list()).map((s) => s.id)).toEqual([t.f.subA]);
    expect(await outcome(t.as('userA').subsidiary.byId({ id: t.f.subB }))).toBe('NOT_FOUND');
  });
});
