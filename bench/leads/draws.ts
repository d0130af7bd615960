/**
 * The grid parameters the lead benchmarks draw: each filter alone, two or three at once, a
 * random sort, a cursor at a random lead in scope. `run.ts` measures them through HTTP and
 * `combos.ts` explains the slow ones in process; both draw from here, so what one measures is
 * what the other explains.
 */
import {
  addDays,
  CONSENT_PURPOSES,
  encodeLeadCursor,
  LEAD_SORTS,
  LEAD_STATUSES,
  type LeadSort,
  nameSortKey,
  osloDate,
  SORT_DIRECTIONS,
} from '@mg/shared';

interface Sqlite {
  prepare(query: string): { get(...p: unknown[]): unknown; all(...p: unknown[]): unknown[] };
}

/** The columns a cursor carries for each sort (the generated sort keys). */
const SORT_COLUMN: Record<Exclude<LeadSort, 'project' | 'assignee'>, string> = {
  createdAt: 'created_at',
  email: 'email_sort',
  lastActivityAt: 'last_activity_at',
  name: 'name_sort',
  status: 'status_rank',
};

export function leadDraws(sqlite: Sqlite, random: () => number, now: number) {
  const one = <T>(query: string, ...params: unknown[]) => sqlite.prepare(query).get(...params) as T;
  const all = <T>(query: string, ...params: unknown[]) =>
    sqlite.prepare(query).all(...params) as T[];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

  const subsidiaryIds = all<{ id: number }>('select id from subsidiaries order by id').map(
    (r) => r.id,
  );
  const projectsOf = (sub?: number) =>
    all<{ id: number }>(
      sub === undefined
        ? 'select id from projects'
        : `select id from projects where subsidiary_id = ${Number(sub)}`,
    ).map((r) => r.id);
  const usersOf = (sub?: number) =>
    all<{ id: number }>(
      sub === undefined
        ? `select id from users where role = 'subsidiary_user'`
        : `select id from users where subsidiary_id = ${Number(sub)}`,
    ).map((r) => r.id);
  const maxLeadId = one<{ m: number }>('select max(id) as m from leads').m;

  /** A cursor at a random lead in scope: a page as deep as any walk could reach. */
  function randomCursor(sub: number | undefined, sort: LeadSort, dir: 'asc' | 'desc') {
    const from = 1 + Math.floor(random() * maxLeadId);
    const scoped = sub === undefined ? '' : `and l.subsidiary_id = ${Number(sub)}`;
    if (sort === 'project' || sort === 'assignee') {
      // The project and assignee sorts' cursor: the group's name key and id, then the lead's
      // received time (an unassigned lead sits in the last group, id 0).
      const row = one<{ id: number; name: string | null; g: number | null; c: number } | undefined>(
        sort === 'project'
          ? `select l.id, p.name, p.id as g, l.created_at as c from leads l join projects p on p.id = l.project_id where l.id >= ? ${scoped} order by l.id limit 1`
          : `select l.id, u.name, u.id as g, l.created_at as c from leads l left join users u on u.id = l.assignee_user_id where l.id >= ? ${scoped} order by l.id limit 1`,
        from,
      );
      if (!row) return undefined;
      const value = [row.g === null ? '' : nameSortKey(row.name), row.g ?? 0, row.c] as const;
      return encodeLeadCursor({ sort, dir, value, id: row.id });
    }
    const row = one<{ id: number; v: string | number | null } | undefined>(
      `select l.id, l.${SORT_COLUMN[sort]} as v from leads l where l.id >= ? ${scoped} order by l.id limit 1`,
      from,
    );
    if (!row) return undefined;
    return encodeLeadCursor({ sort, dir, value: row.v, id: row.id } as Parameters<
      typeof encodeLeadCursor
    >[0]);
  }

  const sortAndDir = () => ({ sort: pick(LEAD_SORTS), dir: pick(SORT_DIRECTIONS) });
  const randomDay = () => osloDate(now - Math.floor(random() * 730) * 86_400_000);

  /** Each filter alone, with a random value per repetition (sub: the scope's subsidiary). */
  function singleFilters(sub: number | undefined): [string, () => Record<string, unknown>][] {
    const projects = projectsOf(sub);
    const users = usersOf(sub);
    const filters: [string, () => Record<string, unknown>][] = [
      ['status', () => ({ status: pick(LEAD_STATUSES) })],
      ['project', () => ({ projectId: pick(projects) })],
      ['assignee', () => ({ assigneeUserId: random() < 0.3 ? 'unassigned' : pick(users) })],
      ['consent', () => ({ consents: { [pick(CONSENT_PURPOSES)]: random() < 0.5 } })],
      [
        'date range',
        () => {
          const to = randomDay();
          return { from: addDays(to, -Math.floor(random() * 90)), to };
        },
      ],
      ['restricted', () => ({ restricted: random() < 0.5 })],
      ['legal hold', () => ({ legalHold: random() < 0.5 })],
      ['anonymised', () => ({ anonymised: random() < 0.5 })],
    ];
    if (sub === undefined)
      filters.push(['subsidiary', () => ({ subsidiaryId: pick(subsidiaryIds) })]);
    return filters;
  }

  /** Two or three filters at once with a random sort: what a working user builds up. */
  function combination(sub: number | undefined) {
    const filters = singleFilters(sub);
    return () => {
      const out: Record<string, unknown> = sortAndDir();
      const n = 2 + Math.floor(random() * 2);
      for (let i = 0; i < n; i++) Object.assign(out, pick(filters)[1]());
      return out;
    };
  }

  return { subsidiaryIds, randomCursor, sortAndDir, randomDay, singleFilters, combination };
}
