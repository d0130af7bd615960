import { readFileSync } from 'node:fs';
import {
  encodeLeadCursor,
  LEAD_SORTS,
  type LeadFilterParams,
  type LeadListParams,
  type Scope,
  SORT_DIRECTIONS,
  scopeFor,
} from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary, makeUser } from './factories';
import { listLeads } from './queries/leads';
import { createTestDatabase, TEST_PASSWORD_HASH } from './testing';

/**
 * Every grid sort pages by keyset on an index: the query that picks a page's ids walks an
 * index in the sort's order, never a temporary B-tree over all matching rows (which at a
 * million leads is a full sort per page). The statements are the ones listLeads really runs,
 * caught at prepare time and explained.
 */

function planDatabase() {
  const handle = createTestDatabase();
  const subsidiaryId = makeSubsidiary(handle.db, { name: 'Plan AS' });
  const projectId = makeProject(handle.db, subsidiaryId);
  for (let i = 0; i < 5; i++) makeLead(handle.db, { id: projectId, subsidiaryId });
  return { ...handle, subsidiaryId, projectId };
}
const handle = planDatabase();
const { subsidiaryId } = handle;
// One contacted lead with an assignee, so an assignee sort of a status set that holds
// 'contacted' walks the assignees (with none, it reads the unassigned leads alone).
handle.sqlite.exec(
  `update leads set status = 'contacted', assignee_user_id = ${makeUser(handle.db, {
    email: 'assignee@test.no',
    role: 'subsidiary_user',
    subsidiaryId,
    passwordHash: TEST_PASSWORD_HASH,
  })} where id = 1`,
);

/**
 * The explained plans of the page-id statements listLeads runs for this filter. The
 * connection reuses statements by their text, and only a new text is prepared (and seen
 * here): each database must see a statement once.
 */
function pagePlans(scope: Scope, filter: LeadListParams, { db, sqlite } = handle): string[] {
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
  // The id-picking statements: from leads alone (or, for the project and assignee sorts,
  // the walk over the names and their leads, or the groups' ranks and the leads sorted by
  // them), ordered, limited.
  const picks = statements.filter(
    (s) =>
      /(^|\n\s*)select ("id", |"leads"."id" as id)/.test(s.source) && /order by/.test(s.source),
  );
  expect(picks.length, JSON.stringify(filter)).toBeGreaterThan(0);
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

describe('a deep page seeks to its cursor on both the key and the id', () => {
  // SQLite seeks a row value (key, id) < (v, i) on the key alone and then passes every row
  // of that key: for the status sort, up to a whole status. The page after a cursor is two
  // seeks instead: the rest of the cursor's key (key = v and id beyond i), then the keys after.
  const owns = planDatabase();
  const KEYS = {
    createdAt: 'created_at',
    lastActivityAt: 'last_activity_at',
    name: 'name_sort',
    email: 'email_sort',
    status: 'status_rank',
  } as const;
  for (const [scopeName, scope] of SCOPES)
    for (const [sort, column] of Object.entries(KEYS) as [keyof typeof KEYS, string][])
      for (const dir of SORT_DIRECTIONS)
        it(`${sort} ${dir}, scope ${scopeName}`, () => {
          const value = sort === 'name' || sort === 'email' ? 'm' : 2;
          const cursor = encodeLeadCursor({ sort, dir, value, id: 3 });
          const plans = pagePlans(scope, { sort, dir, cursor }, owns);
          // (leads_activity_idx has no id column: the rowid at the end of its entries serves.)
          const id = dir === 'desc' ? '(id|rowid)<\\?' : '(id|rowid)>\\?';
          expect(plans.join('\n')).toMatch(new RegExp(`${column}=\\? AND ${id}`));
          for (const plan of plans) expect(plan).not.toMatch(/TEMP B-TREE/);
        });
});

describe('project and assignee sorts walk a name index, then each one’s leads', () => {
  // Databases of their own: the first describe already prepared the first pages'
  // statements, and the unassigned leads' statement is the same text in both directions.
  const owns = { asc: planDatabase(), desc: planDatabase() };
  const groupSorts = ['project', 'assignee'] as const;
  const filters: [string, Partial<LeadFilterParams>][] = [
    ['no filter', {}],
    ['a status set', { status: ['new', 'contacted'] }],
    ['a date range', { from: '2024-01-01', to: '2024-01-20' }],
    ['a start date only (long range)', { from: '2020-01-01' }],
    ['one project', { projectId: owns.asc.projectId }],
    ['no assignee', { assigneeUserId: 'unassigned' }],
    ['one assignee', { assigneeUserId: 1 }],
    ['consent and no legal hold', { consents: { marketing_email: true }, legalHold: false }],
  ];
  for (const [scopeName, scope] of SCOPES)
    for (const sort of groupSorts)
      for (const dir of SORT_DIRECTIONS)
        it(`${sort} ${dir}, scope ${scopeName}: first page and after a cursor`, () => {
          const cursors = [
            undefined,
            // Inside a group: the rest of it, then the groups after it.
            encodeLeadCursor({ sort, dir, value: ['m', 1, 1_700_000_000_000], id: 3 }),
            // Among the leads without an assignee (the assignee sort's last group).
            ...(sort === 'assignee'
              ? [encodeLeadCursor({ sort, dir, value: ['', 0, 1_700_000_000_000], id: 3 })]
              : []),
          ];
          for (const cursor of cursors)
            for (const [name, extra] of filters) {
              // Past every assigned lead, one assignee's page asks nothing of SQLite.
              if (cursor === cursors[2] && typeof extra.assigneeUserId === 'number') continue;
              const label = `${name}${cursor ? ', after a cursor' : ''}`;
              const plans = pagePlans(scope, { sort, dir, cursor, ...extra }, owns[dir]);
              // The other group (a project under the assignee sort, an assignee under the
              // project sort) is read by its own index and its few leads sorted: a walk
              // would read every lead of each group it passed (0.2–0.9 s at 1M).
              const otherGroup =
                sort === 'assignee'
                  ? extra.projectId !== undefined
                  : typeof extra.assigneeUserId === 'number';
              if (otherGroup) {
                for (const plan of plans)
                  expect(plan, label).toMatch(
                    sort === 'assignee'
                      ? /SEARCH leads USING (COVERING )?INDEX leads_project_created_idx \(project_id=\?/
                      : /SEARCH leads USING (COVERING )?INDEX leads_assignee_idx \(assignee_user_id=\?/,
                  );
                continue;
              }
              for (const plan of plans) {
                expect(plan, label).not.toMatch(/TEMP B-TREE/);
                // The leads come from a (subsidiary,) project/assignee, created_at index.
                expect(plan, label).toMatch(
                  sort === 'project'
                    ? /INDEX leads_(subsidiary_)?project_created_idx/
                    : /INDEX leads_(subsidiary_)?assignee_idx/,
                );
                if (scope.kind === 'subsidiary')
                  expect(plan, label).toMatch(
                    // ...or the project's (assignee's) own, which holds the subsidiary since
                    // decision 050: the scope is tested on the entry.
                    /INDEX leads_subsidiary_(project_created|assignee)_idx \(subsidiary_id=\? AND|COVERING INDEX leads_(project_created|assignee)_idx \((project_id|assignee_user_id)=\? AND/,
                  );
                // The groups in name order from the expression index (one project or
                // assignee: its row).
                const pinned = extra.projectId ?? typeof extra.assigneeUserId === 'number';
                if (/SCAN (projects|users)|SEARCH (projects|users)/.test(plan) && !pinned)
                  expect(plan, label).toMatch(/(projects|users)_name_sort_idx/);
              }
            }
        });
});

const STATISTICS_MIGRATIONS: [string, string[]][] = [
  [
    '0017_grid_project_assignee_sort',
    [
      'leads_subsidiary_project_created_idx',
      'leads_subsidiary_assignee_idx',
      'projects_name_sort_idx',
      'users_name_sort_idx',
    ],
  ],
  // Decision 050: the sort and driver indexes rebuilt wider (DROP INDEX took their rows).
  [
    '0026_grid_indexes_cover_sorts_and_filters',
    [
      'leads_project_created_idx',
      'leads_assignee_idx',
      'leads_subsidiary_project_created_idx',
      'leads_subsidiary_assignee_idx',
      'leads_activity_idx',
      'leads_subsidiary_activity_idx',
      'leads_name_sort_idx',
      'leads_subsidiary_name_sort_idx',
      'leads_email_sort_idx',
      'leads_subsidiary_email_sort_idx',
      'leads_status_rank_idx',
      'leads_subsidiary_status_rank_idx',
    ],
  ],
];
for (const [migration, NEW] of STATISTICS_MIGRATIONS)
  describe(`migration ${migration.slice(0, 4)}: statistics for the new indexes only where there are statistics`, () => {
    // The migration's statements after its DROP and CREATE INDEXes, run again on a database
    // with leads.
    const statsBlock = readFileSync(new URL(`../drizzle/${migration}.sql`, import.meta.url), 'utf8')
      .split('--> statement-breakpoint')
      .filter((s) => !/(CREATE|DROP) INDEX/.test(s));
    const statRows = (sqlite: ReturnType<typeof planDatabase>['sqlite']) =>
      (
        sqlite.prepare('select idx from sqlite_stat1 where idx is not null').all() as {
          idx: string;
        }[]
      )
        .map((r) => r.idx)
        .filter((idx) => NEW.includes(idx))
        .sort();

    it('writes none into a database without statistics (partial ones would change every plan)', () => {
      const { sqlite } = planDatabase();
      for (const statement of statsBlock) sqlite.exec(statement);
      expect(statRows(sqlite)).toEqual([]);
      expect(
        sqlite.prepare(`select count(*) as n from sqlite_stat1 where tbl = 'leads'`).get(),
      ).toEqual({ n: 0 });
    });

    it('analyses the new indexes where the others have statistics', () => {
      const { sqlite, db, subsidiaryId: sub } = planDatabase();
      // ANALYZE writes nothing for an empty table: one user, so every new index has rows.
      makeUser(db, {
        email: 'stat@test.no',
        role: 'subsidiary_user',
        subsidiaryId: sub,
        passwordHash: TEST_PASSWORD_HASH,
      });
      sqlite.exec('ANALYZE');
      sqlite.exec(`DELETE FROM sqlite_stat1 WHERE idx IN (${NEW.map((n) => `'${n}'`).join(', ')})`);
      for (const statement of statsBlock) sqlite.exec(statement);
      expect(statRows(sqlite)).toEqual([...NEW].sort());
    });
  });

describe('a driven page sorted by another key reads the fewest rows (decision 030)', () => {
  // A database of its own: 8 leads of one project, 6 of them assigned to one user, 1 on legal
  // hold, 3 restricted, 2 anonymised.
  const owns = planDatabase();
  const user = makeUser(owns.db, {
    email: 'driver@test.no',
    role: 'subsidiary_user',
    subsidiaryId: owns.subsidiaryId,
    passwordHash: TEST_PASSWORD_HASH,
  });
  for (let i = 0; i < 3; i++)
    makeLead(owns.db, { id: owns.projectId, subsidiaryId: owns.subsidiaryId });
  owns.sqlite.exec(`update leads set assignee_user_id = ${user} where id <= 6`);
  owns.sqlite.exec('update leads set legal_hold = 1 where id = 2');
  owns.sqlite.exec('update leads set restricted = 1 where id in (3, 4, 5)');
  owns.sqlite.exec(
    `update leads set anonymised_at = 1, name = null, email = null, phone = null where id in (7, 8)`,
  );
  for (const [scopeName, scope] of SCOPES) {
    it(`a status on its rank is hinted next to a rare flag (status sort, ${scopeName})`, () => {
      // Plain, the rank drew SQLite onto the status index: a fifth of all leads, sorted.
      const plans = pagePlans(
        scope,
        { sort: 'status', dir: 'asc', status: 'closed', restricted: true },
        owns,
      ).join('\n');
      expect(plans).toMatch(/leads_restricted_idx/);
      expect(plans).not.toMatch(/status_rank_idx/);
    });
    it(`of two drivers read from the table, the one with fewer rows keeps its index (${scopeName})`, () => {
      const plans = pagePlans(
        scope,
        { sort: 'name', dir: 'desc', restricted: true, legalHold: true },
        owns,
      ).join('\n');
      expect(plans).toMatch(/leads_legal_hold_idx/);
      expect(plans).not.toMatch(/leads_restricted_idx/);
    });
    it(`a covering driver's rows are sorted from its index before fewer rows read from the table (${scopeName})`, () => {
      // The assignee's index holds every filter column and sort key (decision 050): its 6
      // entries cost less to sort than the 3 restricted leads' rows cost to read.
      const plans = pagePlans(
        scope,
        { sort: 'name', dir: 'desc', assigneeUserId: user, restricted: true },
        owns,
      ).join('\n');
      expect(plans).toMatch(/assignee_idx/);
      expect(plans).not.toMatch(/leads_restricted_idx/);
    });
    it(`anonymised leads are read and sorted from their covering index (${scopeName})`, () => {
      // With statistics, as the app keeps them (pragma optimize): without, SQLite cannot tell
      // the partial index's subsidiary from the others' and may walk a subsidiary's name index.
      const analysed = planDatabase();
      analysed.sqlite.exec('update leads set anonymised_at = 1 where id = 1; ANALYZE');
      for (const sort of ['lastActivityAt', 'name', 'status'] as const) {
        const plans = pagePlans(scope, { sort, dir: 'desc', anonymised: true }, analysed).join(
          '\n',
        );
        expect(plans, sort).toMatch(/INDEX leads_anonymised_cover_idx/);
        if (scope.kind === 'subsidiary')
          expect(plans, sort).toMatch(/leads_anonymised_cover_idx \(subsidiary_id=\?\)/);
      }
    });
  }
});

describe('migration 0020: statistics for the anonymised cover index only where there are some', () => {
  const statsBlock = readFileSync(
    new URL('../drizzle/0020_grid_anonymised_cover.sql', import.meta.url),
    'utf8',
  )
    .split('--> statement-breakpoint')
    .filter((s) => !/(CREATE|DROP) INDEX/.test(s));
  const hasRow = (sqlite: ReturnType<typeof planDatabase>['sqlite']) =>
    sqlite
      .prepare(`select count(*) as n from sqlite_stat1 where idx = 'leads_anonymised_cover_idx'`)
      .get() as { n: number };

  it('writes none into a database without statistics', () => {
    const { sqlite } = planDatabase();
    for (const statement of statsBlock) sqlite.exec(statement);
    expect(hasRow(sqlite)).toEqual({ n: 0 });
    expect(
      sqlite.prepare(`select count(*) as n from sqlite_stat1 where tbl = 'leads'`).get(),
    ).toEqual({ n: 0 });
  });

  it('analyses it where the other indexes have statistics', () => {
    const { sqlite } = planDatabase();
    sqlite.exec('update leads set anonymised_at = 1 where id = 1');
    sqlite.exec('ANALYZE');
    sqlite.exec(`DELETE FROM sqlite_stat1 WHERE idx = 'leads_anonymised_cover_idx'`);
    for (const statement of statsBlock) sqlite.exec(statement);
    expect(hasRow(sqlite)).toEqual({ n: 1 });
  });
});

describe('an assignee sort of statuses no assigned lead has skips the walk of the assignees', () => {
  // 6 leads: 3 assigned and contacted, 3 new and unassigned (as intake leaves them), in
  // two subsidiaries. A walk of the assignees could only reject leads there: at 1M it read
  // all 555k assigned leads (100–120 ms) before the unassigned ones.
  const own = createTestDatabase();
  const mineSub = makeSubsidiary(own.db, { name: 'Egen AS' });
  const other = makeSubsidiary(own.db, { name: 'Annen AS' });
  const otherProject = makeProject(own.db, other);
  const user = makeUser(own.db, {
    email: 'walker@test.no',
    role: 'subsidiary_user',
    subsidiaryId: mineSub,
    passwordHash: TEST_PASSWORD_HASH,
  });
  const at = 1_700_000_000_000;
  const lead = (project: { id: number; subsidiaryId: number }, i: number) =>
    makeLead(own.db, project, { createdAt: at + i });
  const mine = { id: makeProject(own.db, mineSub), subsidiaryId: mineSub };
  const theirs = { id: otherProject, subsidiaryId: other };
  const assigned = [lead(mine, 1), lead(mine, 2), lead(theirs, 3)];
  const fresh = [lead(mine, 4), lead(theirs, 5), lead(mine, 6)];
  own.sqlite.exec(
    `update leads set status = 'contacted', assignee_user_id = ${user} where id in (${assigned.join(', ')})`,
  );
  const statements = (run: () => unknown) => {
    const seen: string[] = [];
    const original = own.sqlite.prepare.bind(own.sqlite);
    own.sqlite.prepare = ((source: string) => {
      seen.push(source);
      return original(source);
    }) as typeof own.sqlite.prepare;
    try {
      run();
    } finally {
      own.sqlite.prepare = original;
    }
    return seen;
  };
  const page = (scope: Scope, filter: LeadListParams) =>
    listLeads(own.db, { scope, filter: { sort: 'assignee', limit: 10, ...filter } }).items.map(
      (r) => r.id,
    );
  const all = scopeFor({ role: 'admin', subsidiaryId: null });

  for (const dir of SORT_DIRECTIONS)
    it(`new leads by assignee (${dir}): the unassigned ones, newest first, and no walk`, () => {
      let ids: number[] = [];
      const seen = statements(() => {
        ids = page(all, { dir, status: 'new' });
      });
      expect(ids).toEqual([...fresh].reverse());
      expect(seen.join('\n')).not.toMatch(/cross join "leads"/);
    });

  it('a status some assigned lead has still walks the assignees', () => {
    const ids = page(all, { dir: 'asc', status: ['new', 'contacted'] });
    expect(ids).toEqual([...[...assigned].reverse(), ...[...fresh].reverse()]);
  });

  it('within a subsidiary, only its own assigned leads count', () => {
    // The other subsidiary's contacted lead is assigned; this one's are not, once reset.
    own.sqlite.exec(
      `update leads set assignee_user_id = null, status = 'contacted' where id in (${assigned.slice(0, 2).join(', ')})`,
    );
    const mineScope = scopeFor({ role: 'subsidiary_user', subsidiaryId: mineSub });
    const seen = statements(() => {
      expect(page(mineScope, { dir: 'desc', status: 'contacted' })).toEqual([
        assigned[1],
        assigned[0],
      ]);
    });
    expect(seen.join('\n')).not.toMatch(/cross join "leads"/);
    // Over all subsidiaries the other one's assigned lead comes first.
    expect(page(all, { dir: 'desc', status: 'contacted' })).toEqual([
      assigned[2],
      assigned[1],
      assigned[0],
    ]);
  });
});
