import { type LeadFilterParams, type Scope, scopeFor } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { listLeads } from './queries/leads';
import { createTestDatabase } from './testing';

/**
 * Which index a filtered page walks (issue 11, measured at 1M leads): the plans of the
 * statements listLeads really runs, caught at prepare time (a fresh database per call, since
 * the connection keeps statements by their SQL) and explained.
 */

function pagePlans(scope: Scope | 'subsidiary', filter: LeadFilterParams): string {
  const { db, sqlite } = createTestDatabase();
  const subsidiaryId = makeSubsidiary(db, { name: 'Plan AS' });
  const projectId = makeProject(db, subsidiaryId);
  for (let i = 0; i < 3; i++) makeLead(db, { id: projectId, subsidiaryId });
  const statements: string[] = [];
  const original = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    statements.push(source);
    return original(source);
  }) as typeof sqlite.prepare;
  try {
    listLeads(db, {
      scope: scope === 'subsidiary' ? scopeFor({ role: 'subsidiary_user', subsidiaryId }) : scope,
      filter: { ...filter, limit: 2 },
    });
  } finally {
    sqlite.prepare = original;
  }
  const picks = statements.filter((s) => /^select "id", /.test(s) && /order by/.test(s));
  expect(picks.length).toBeGreaterThan(0);
  return picks
    .map((source) => {
      const params = (source.match(/\?/g) ?? []).map(() => 1);
      return (sqlite.prepare(`explain query plan ${source}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    })
    .join('\n');
}

const ALL = scopeFor({ role: 'admin', subsidiaryId: null });
const DAY = 86_400_000;
const range = (days: number) => {
  const to = new Date(Date.UTC(2025, 5, 1));
  const from = new Date(to.getTime() - days * DAY);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
};

describe('filtered pages seek instead of walking past other rows', () => {
  for (const scope of [ALL, 'subsidiary'] as const)
    it(`a created-time page bounds its walk by a date range of any width (${typeof scope === 'string' ? scope : 'all'})`, () => {
      for (const dir of ['asc', 'desc'] as const) {
        const plan = pagePlans(scope, { ...range(300), sort: 'createdAt', dir });
        expect(plan).toMatch(
          /USING (COVERING )?INDEX leads_\w*created_idx \(.*created_at>\? AND created_at<\?\)/,
        );
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    });

  for (const scope of [ALL, 'subsidiary'] as const)
    it(`sorted by status, a status filter seeks the rank (${typeof scope === 'string' ? scope : 'all'})`, () => {
      for (const dir of ['asc', 'desc'] as const) {
        const plan = pagePlans(scope, { status: 'follow_up', sort: 'status', dir });
        expect(plan).toMatch(
          /USING (COVERING )?INDEX leads_\w*status_rank_idx \(.*status_rank=\?\)/,
        );
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    });

  it('a name or e-mail page walks its sort index past a range of more than a few days', () => {
    for (const sort of ['name', 'email'] as const) {
      const wide = pagePlans(ALL, { ...range(20), sort, dir: 'asc' });
      expect(wide).toMatch(new RegExp(`INDEX leads_${sort}_sort_idx`));
      expect(wide).not.toMatch(/TEMP B-TREE/);
      // A few days: the range drives and its rows are sorted.
      const narrow = pagePlans(ALL, { ...range(3), sort, dir: 'asc' });
      expect(narrow).toMatch(/created_at>\? AND created_at<\?/);
    }
    // Last activity follows created time: a two-month range still drives there.
    expect(pagePlans(ALL, { ...range(50), sort: 'lastActivityAt', dir: 'desc' })).toMatch(
      /created_at>\? AND created_at<\?/,
    );
  });
});
