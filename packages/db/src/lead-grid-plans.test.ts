import {
  LEAD_SORTS,
  type LeadFilterParams,
  type Scope,
  SORT_DIRECTIONS,
  scopeFor,
} from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { listLeads } from './queries/leads';
import { createTestDatabase } from './testing';

/**
 * Every grid sort pages by keyset on an index: the query that picks a page's ids walks an
 * index in the sort's order, never a temporary B-tree over all matching rows (which at a
 * million leads is a full sort per page). The statements are the ones listLeads really runs,
 * caught at prepare time and explained.
 */

const handle = createTestDatabase();
const { db, sqlite } = handle;

const subsidiaryId = makeSubsidiary(db, { name: 'Plan AS' });
const projectId = makeProject(db, subsidiaryId);
for (let i = 0; i < 5; i++) makeLead(db, { id: projectId, subsidiaryId });

/** The explained plans of the page-id statements listLeads runs for this filter. */
function pagePlans(scope: Scope, filter: LeadFilterParams): string[] {
  const statements: { source: string }[] = [];
  const original = sqlite.prepare.bind(sqlite);
  const spy = (source: string) => {
    statements.push({ source });
    return original(source);
  };
  sqlite.prepare = spy as typeof sqlite.prepare;
  try {
    listLeads(db, { scope, filter: { ...filter, limit: 2 } });
  } finally {
    sqlite.prepare = original;
  }
  // The id-picking statement: from leads alone, ordered, limited.
  const picks = statements.filter(
    (s) => /^select "id", /.test(s.source) && /order by/.test(s.source),
  );
  expect(picks.length).toBeGreaterThan(0);
  return picks.map(({ source }) => {
    const params = (source.match(/\?/g) ?? []).map(() => 1);
    return (sqlite.prepare(`explain query plan ${source}`).all(...params) as { detail: string }[])
      .map((r) => r.detail)
      .join('\n');
  });
}

const SCOPES: [string, Scope][] = [
  ['all', scopeFor({ role: 'admin', subsidiaryId: null })],
  ['subsidiary', scopeFor({ role: 'subsidiary_user', subsidiaryId })],
];

describe('grid sorts stay on an index', () => {
  for (const [scopeName, scope] of SCOPES)
    for (const sort of LEAD_SORTS)
      for (const dir of SORT_DIRECTIONS)
        it(`${sort} ${dir}, scope ${scopeName}, with and without a status set`, () => {
          for (const filter of [
            { sort, dir },
            { sort, dir, status: ['new', 'contacted', 'follow_up'] as const },
          ]) {
            const plans = pagePlans(scope, {
              ...filter,
              status: filter.status && [...filter.status],
            });
            for (const plan of plans) {
              expect(plan, JSON.stringify(filter)).toMatch(/USING (COVERING )?INDEX leads_/);
              expect(plan, JSON.stringify(filter)).not.toMatch(/TEMP B-TREE/);
              if (sort === 'email') expect(plan).toMatch(/leads_(subsidiary_)?email_sort_idx/);
            }
          }
        });
});
