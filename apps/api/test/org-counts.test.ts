import { schema } from '@mg/db';
import { makeLead, makeProject } from '@mg/db/testing';
import { describe, expect, it } from 'vitest';
import { outcome, setup, type Who } from './helpers';

/**
 * Lead counts on the projects list and the subsidiary page, checked against an oracle: the
 * raw lead rows, counted in plain code for each viewer's scope. The scenario has a project
 * that moved between subsidiaries, so a project's leads sit at two subsidiaries and a
 * subsidiary user must see only their own share.
 */
function scenario() {
  const t = setup();
  const { f } = t;
  const db = t.handle.db;
  const projectC = db.transaction((tx) => {
    const id = makeProject(tx, f.subA, { name: 'Cedertun', slug: 'cedertun' });
    for (let i = 0; i < 4; i++) makeLead(tx, { id, subsidiaryId: f.subA });
    for (let i = 0; i < 2; i++) makeLead(tx, { id: f.projectA, subsidiaryId: f.subA });
    return id;
  });
  return { t, projectC };
}

/** Move project A to subsidiary B and give it leads there, as intake would after the move. */
async function moveProjectA(t: ReturnType<typeof setup>) {
  await t.as('admin').project.assign({ projectId: t.f.projectA, subsidiaryId: t.f.subB });
  t.handle.db.transaction((tx) => {
    for (let i = 0; i < 3; i++) makeLead(tx, { id: t.f.projectA, subsidiaryId: t.f.subB });
  });
}

/** The oracle: every lead row, filtered by hand. */
function oracle(t: ReturnType<typeof setup>) {
  const rows = t.handle.db
    .select({ projectId: schema.leads.projectId, subsidiaryId: schema.leads.subsidiaryId })
    .from(schema.leads)
    .all();
  return (where: { projectId?: number; subsidiaryId?: number | null }) =>
    rows.filter(
      (r) =>
        (where.projectId === undefined || r.projectId === where.projectId) &&
        (where.subsidiaryId == null || r.subsidiaryId === where.subsidiaryId),
    ).length;
}

const VIEWERS: Who[] = ['admin', 'privacy_officer', 'userA', 'userB'];
const viewerSubsidiary = (t: ReturnType<typeof setup>, who: Who) =>
  who === 'userA' ? t.f.subA : who === 'userB' ? t.f.subB : null;

describe('project lead counts', () => {
  it("count each project's leads within the viewer's scope (oracle)", async () => {
    const { t } = scenario();
    await moveProjectA(t);
    const count = oracle(t);
    for (const who of VIEWERS) {
      const list = await t.as(who).project.list();
      expect(list.length, who).toBeGreaterThan(0);
      for (const p of list) {
        const expected = count({ projectId: p.id, subsidiaryId: viewerSubsidiary(t, who) });
        expect(p.leadCount, `${who} ${p.name}`).toBe(expected);
        // The number links to /leads?project=ID: the grid must show the same total.
        const grid = await t.as(who).lead.count({ projectId: p.id });
        expect(grid.total, `${who} ${p.name} in the grid`).toBe(p.leadCount);
      }
    }
  });

  it("never shows a subsidiary user another subsidiary's leads in a count", async () => {
    const { t } = scenario();
    await moveProjectA(t);
    const list = await t.as('userB').project.list();
    const alfa = list.find((p) => p.id === t.f.projectA);
    // Project A now belongs to B, but the leads disclosed to A before the move are A's.
    expect(alfa?.leadCount).toBe(3);
    const admin = (await t.as('admin').project.list()).find((p) => p.id === t.f.projectA);
    expect(admin?.leadCount).toBe(3 + 3 + 2);
  });

  it('shows a project without leads as 0', async () => {
    const t = setup();
    await t.as('admin').project.create({
      name: 'Tomt',
      slug: 'tomt',
      place: 'Bergen',
      status: 'planning',
      subsidiaryId: t.f.subA,
    });
    const list = await t.as('admin').project.list();
    expect(list.find((p) => p.name === 'Tomt')?.leadCount).toBe(0);
  });
});

describe('subsidiary overview', () => {
  it("lists the subsidiary's projects with its own leads in each, and its total (oracle)", async () => {
    const { t, projectC } = scenario();
    await moveProjectA(t);
    const count = oracle(t);
    for (const who of ['admin', 'privacy_officer', 'userB'] as const) {
      const b = await t.as(who).subsidiary.overview({ id: t.f.subB });
      expect(b.subsidiary.id).toBe(t.f.subB);
      expect(b.projects.map((p) => p.id).sort()).toEqual([t.f.projectA, t.f.projectB].sort());
      for (const p of b.projects)
        expect(p.leadCount, `${who} ${p.name}`).toBe(
          count({ projectId: p.id, subsidiaryId: t.f.subB }),
        );
      expect(b.leadCount).toBe(count({ subsidiaryId: t.f.subB }));
    }
    const a = await t.as('userA').subsidiary.overview({ id: t.f.subA });
    expect(a.projects.map((p) => p.id)).toEqual([projectC]);
    expect(a.projects[0]?.leadCount).toBe(4);
    // A's leads of the moved project still count in A's total.
    expect(a.leadCount).toBe(count({ subsidiaryId: t.f.subA }));
  });

  it("answers another subsidiary's page as not found, and logs the denial", async () => {
    const t = setup();
    expect(await outcome(t.as('userA').subsidiary.overview({ id: t.f.subB }))).toBe('NOT_FOUND');
    expect(t.lastEntry()).toMatchObject({ action: 'subsidiary.overview', outcome: 'denied' });
    expect(await outcome(t.as('admin').subsidiary.overview({ id: 999_999 }))).toBe('NOT_FOUND');
    expect(await outcome(t.as('auditor').subsidiary.overview({ id: t.f.subA }))).toBe('FORBIDDEN');
  });
});
