import { scopeFor } from '@mg/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { countLeads, getLead, listLeads, listRelatedLeads } from './queries/leads';
import { getProject, getSubsidiary, listProjects, listSubsidiaries } from './queries/org';
import { createTestDatabase, type Fixture, seedFixture } from './testing';

const handle = createTestDatabase();
let f: Fixture;
beforeAll(() => {
  f = seedFixture(handle);
});
const scopeA = () => scopeFor({ role: 'subsidiary_user', subsidiaryId: f.subA });
const ALL_SCOPE = scopeFor({ role: 'admin', subsidiaryId: null });

describe('record scope in the query layer', () => {
  it("lists only the scoped subsidiary's leads, whatever the filter asks for", () => {
    const { db } = handle;
    const page = listLeads(db, { scope: scopeA(), filter: { limit: 50 } });
    expect(page.items.map((l) => l.id).sort()).toEqual([...f.leadsA].sort());
    // Asking for the other subsidiary explicitly still returns nothing.
    const other = listLeads(db, { scope: scopeA(), filter: { limit: 50, subsidiaryId: f.subB } });
    expect(other.items).toEqual([]);
    expect(countLeads(db, { scope: scopeA(), filter: { subsidiaryId: f.subB } })).toBe(0);
    expect(countLeads(db, { scope: ALL_SCOPE, filter: {} })).toBe(6);
  });

  it('searches within scope only', () => {
    const page = listLeads(handle.db, { scope: scopeA(), filter: { limit: 50, search: 'åse' } });
    expect(page.items.map((l) => l.id)).toEqual([f.leadsA[0]]);
  });

  it("answers undefined for another subsidiary's lead", () => {
    expect(getLead(handle.db, { scope: scopeA(), id: f.leadsB[0] ?? 0 })).toBeUndefined();
    expect(getLead(handle.db, { scope: ALL_SCOPE, id: f.leadsB[0] ?? 0 })?.id).toBe(f.leadsB[0]);
  });

  it("shows the same person's other leads only inside scope", () => {
    const lead = getLead(handle.db, { scope: ALL_SCOPE, id: f.leadsA[0] ?? 0 });
    if (!lead) throw new Error('fixture lead missing');
    expect(listRelatedLeads(handle.db, { scope: scopeA(), lead })).toEqual([]);
    expect(listRelatedLeads(handle.db, { scope: ALL_SCOPE, lead }).map((l) => l.id)).toEqual([
      f.leadsB[0],
    ]);
  });

  it('scopes subsidiaries and projects', () => {
    expect(listSubsidiaries(handle.db, { scope: scopeA() }).map((s) => s.id)).toEqual([f.subA]);
    expect(getSubsidiary(handle.db, { scope: scopeA(), id: f.subB })).toBeUndefined();
    expect(listProjects(handle.db, { scope: scopeA() }).map((p) => p.id)).toEqual([f.projectA]);
    expect(getProject(handle.db, { scope: scopeA(), id: f.projectB })).toBeUndefined();
  });

  it('pages with a cursor without gaps or repeats', () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = listLeads(handle.db, { scope: ALL_SCOPE, filter: { limit: 4, cursor } });
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...f.leadsA, ...f.leadsB].sort((a, b) => b - a));
  });
});
