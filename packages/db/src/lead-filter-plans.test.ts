import { type LeadFilterParams, type Scope, scopeFor } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { GRID_PLAN_TUNING, listLeads } from './queries/leads';
import { createTestDatabase } from './testing';

/**
 * Which index a filtered page walks (issue 11, measured at 1M leads): the plans of the
 * statements listLeads really runs, caught at prepare time (a fresh database per call, since
 * the connection keeps statements by their SQL) and explained.
 */

function pagePlans(scope: Scope | 'subsidiary', filter: LeadFilterParams): string {
  return pagePlansWith(scope, filter).plan;
}

function pagePlansWith(scope: Scope | 'subsidiary', filter: LeadFilterParams) {
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
  const plan = picks
    .map((source) => {
      const params = (source.match(/\?/g) ?? []).map(() => 1);
      return (sqlite.prepare(`explain query plan ${source}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    })
    .join('\n');
  return { plan, sources: picks, sqlite };
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

  // Decision 050: the walk tests every undriven filter on the sort index's entry and reads a
  // row only for an entry that passes (SQLite defers the row's seek until a column not in the
  // index is needed). A name sort ascending passed 35k anonymised '' keys at ~1.4 µs a row read.
  for (const scope of [ALL, 'subsidiary'] as const)
    it(`a walk of a sort index tests the filters on the index alone (${typeof scope === 'string' ? scope : 'all'})`, () => {
      const filters: LeadFilterParams[] = [
        range(100),
        { status: 'follow_up', anonymised: false, consents: { marketing_sms: false } },
        { status: ['new', 'contacted'], restricted: false, legalHold: false },
        { consents: { marketing_email: true }, assigneeUserId: 'unassigned' },
      ];
      for (const sort of ['name', 'email', 'status', 'lastActivityAt'] as const)
        for (const filter of filters)
          for (const dir of ['asc', 'desc'] as const) {
            const what = `${sort} ${dir} ${JSON.stringify(filter)}`;
            const { plan, sources, sqlite } = pagePlansWith(scope, { ...filter, sort, dir });
            const index = /INDEX (leads_\w+)/.exec(plan)?.[1] ?? '';
            const key =
              sort === 'lastActivityAt'
                ? 'activity'
                : sort === 'status'
                  ? 'status_rank'
                  : `${sort}_sort`;
            expect(index, what).toMatch(new RegExp(`^leads_\\w*${key}_idx$`));
            const inIndex = new Set(
              (sqlite.pragma(`index_info(${index})`) as { name: string }[]).map((c) => c.name),
            );
            inIndex.add('id');
            for (const source of sources) {
              const where = source.slice(source.indexOf(' where '), source.indexOf(' order by '));
              const tested = [...where.matchAll(/"leads"\."(\w+)"/g)].map((m) => m[1]);
              expect(tested.length, what).toBeGreaterThan(0);
              for (const column of tested)
                expect(inIndex.has(column ?? ''), `${what}: ${column}`).toBe(true);
            }
          }
    });
  // Decision 050: a project's or an assignee's leads sorted by another key are sorted from the
  // driver's index alone (each row read cost ~1.4 µs: an assignee's 6,000 rows, 8–20 ms).
  for (const scope of [ALL, 'subsidiary'] as const)
    it(`a driver's rows sorted by another key are read from its index alone (${typeof scope === 'string' ? scope : 'all'})`, () => {
      const saved = GRID_PLAN_TUNING.driverIdWalk;
      GRID_PLAN_TUNING.driverIdWalk = 'never';
      try {
        const drivers: LeadFilterParams[] = [{ projectId: 1 }, { assigneeUserId: 1 }];
        const others: LeadFilterParams[] = [
          {},
          { status: 'follow_up', anonymised: false, consents: { marketing_sms: false } },
          { status: ['new', 'contacted'], restricted: false, legalHold: false, ...range(100) },
        ];
        for (const sort of ['name', 'email', 'status', 'lastActivityAt'] as const)
          for (const driver of drivers)
            for (const other of others) {
              const filter = { ...driver, ...other, sort, dir: 'asc' as const };
              const what = JSON.stringify(filter);
              const { plan, sources, sqlite } = pagePlansWith(scope, filter);
              const index = /INDEX (leads_\w+)/.exec(plan)?.[1] ?? '';
              expect(index, what).toMatch(/^leads_(subsidiary_)?(project_created|assignee)_idx$/);
              const inIndex = new Set(
                (sqlite.pragma(`index_info(${index})`) as { name: string }[]).map((c) => c.name),
              );
              inIndex.add('id');
              for (const source of sources) {
                const rest = source.slice(source.indexOf(' where '), source.indexOf(' limit '));
                for (const [, column] of rest.matchAll(/"leads"\."(\w+)"/g))
                  expect(inIndex.has(column ?? ''), `${what}: ${column}`).toBe(true);
              }
            }
      } finally {
        GRID_PLAN_TUNING.driverIdWalk = saved;
      }
    });
});
