import { makeLead } from '@mg/db/testing';
import { describe, expect, it } from 'vitest';
import { PALETTE_LEAD_LIMIT } from '../src/routers/palette';
import { outcome, setup } from './helpers';

const first = <T>(list: T[]): T => {
  const [item] = list;
  if (item === undefined) throw new Error('fixture has no rows');
  return item;
};

describe('palette.search', () => {
  it('finds a lead by number (with or without #) and by name, within the caller scope', async () => {
    const t = setup();
    const camilla = t.f.leadsA[2] ?? 0;
    const byNumber = await t.as('userA').palette.search({ q: String(camilla) });
    expect(first(byNumber.leads)).toMatchObject({ id: camilla, name: 'Camilla Lund' });
    const hashed = await t.as('userA').palette.search({ q: `#${camilla}` });
    expect(first(hashed.leads).id).toBe(camilla);
    const byName = await t.as('userA').palette.search({ q: 'camilla' });
    expect(byName.leads.map((l) => l.id)).toEqual([camilla]);
  });

  it("never shows another subsidiary's lead, by number or by name", async () => {
    const t = setup();
    const eva = t.f.leadsB[2] ?? 0;
    expect((await t.as('userA').palette.search({ q: String(eva) })).leads).toEqual([]);
    expect((await t.as('userA').palette.search({ q: 'Eva Holm' })).leads).toEqual([]);
    // "Åse Ørnes" has a lead at each subsidiary: user A sees only theirs, the admin both.
    const mine = await t.as('userA').palette.search({ q: 'Åse' });
    expect(mine.leads.map((l) => l.id)).toEqual([t.f.leadsA[0]]);
    const all = await t.as('admin').palette.search({ q: 'Åse' });
    expect(all.leads.map((l) => l.id).sort()).toEqual([t.f.leadsA[0], t.f.leadsB[0]].sort());
  });

  it('is logged like the grid: the ids shown and "searched", never the words typed', async () => {
    const t = setup();
    await t.as('userA').palette.search({ q: 'Camilla' });
    const entry = t.lastEntry();
    expect(entry).toMatchObject({
      action: 'palette.search',
      outcome: 'ok',
      purpose: 'follow_up',
      targetType: 'lead',
      targetIds: JSON.stringify([t.f.leadsA[2]]),
      actorUserId: t.f.users.userA,
    });
    expect(JSON.stringify(entry)).not.toMatch(/camilla/i);
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ searched: true });
  });

  it('answers with a short list, and refuses empty, oversized or control-character input', async () => {
    const t = setup();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    t.handle.db.transaction((tx) => {
      for (let i = 0; i < PALETTE_LEAD_LIMIT + 5; i++)
        makeLead(tx, project, { name: `Hansen ${i}` });
    });
    const many = await t.as('admin').palette.search({ q: 'Hansen' });
    expect(many.leads).toHaveLength(PALETTE_LEAD_LIMIT);
    expect(await outcome(t.as('admin').palette.search({ q: '   ' }))).toBe('BAD_REQUEST');
    expect(await outcome(t.as('admin').palette.search({ q: 'x'.repeat(101) }))).toBe('BAD_REQUEST');
    expect(await outcome(t.as('admin').palette.search({ q: 'a\u0000b' }))).toBe('BAD_REQUEST');
  });

  it('is refused to the auditor, who never sees personal data', async () => {
    const t = setup();
    expect(await outcome(t.as('auditor').palette.search({ q: 'Åse' }))).toBe('FORBIDDEN');
  });
});
