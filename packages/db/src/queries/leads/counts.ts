import { LEAD_COUNT_CAP, type LeadFilterParams, type Scope } from '@mg/shared';
import { and, type SQL, sql } from 'drizzle-orm';
import type { Conn } from '../../client';
import { leads } from '../../schema';
import { filterTerms } from './grid-plan';
import { planSearch, searchCondition } from './search';

/** The exact number of leads a filter matches, within scope. */
export function countLeads(
  conn: Conn,
  { scope, filter }: { scope: Scope; filter: LeadFilterParams },
): number {
  return countLeadsCapped(conn, { scope, filter, cap: Number.POSITIVE_INFINITY }).count;
}

/**
 * How many leads a filter matches, counted up to `cap`; `capped` says there are more. Cheap
 * where an exact count over a million rows is not: the count stops at cap + 1.
 */
export function countLeadsCapped(
  conn: Conn,
  { scope, filter, cap = LEAD_COUNT_CAP }: { scope: Scope; filter: LeadFilterParams; cap?: number },
): { count: number; capped: boolean } {
  const plan = planSearch(conn, scope, filter.search);
  // Counting wants the narrowest index, reading index entries only where it can.
  // Within a subsidiary the covering index leads_subsidiary_filter_idx holds every filter
  // column, so the scope stays index-eligible; a search id list drives on its own.
  const terms = filterTerms(scope, filter, { statusByRank: true });
  const conditions = terms.map((t) => (plan.kind === 'ids' && t.scopeLike ? t.hint : t.plain));
  const limited = (query: SQL) => {
    if (!Number.isFinite(cap))
      return conn.get<{ n: number }>(sql`select count(*) as n from (${query})`).n;
    return conn.get<{ n: number }>(sql`select count(*) as n from (${query} limit ${cap + 1})`).n;
  };
  let n: number;
  if (plan.kind === 'dense') {
    const onlyScope = terms.length === (scope.kind === 'all' ? 0 : 1);
    if (onlyScope) {
      // The scope is inside the match (scope token), so FTS alone counts, without reading
      // a single lead row; up to the cap when there is one.
      n = Number.isFinite(cap)
        ? conn.get<{ n: number }>(
            sql`select count(*) as n from (select rowid from leads_fts where leads_fts match ${plan.match} limit ${cap + 1})`,
          ).n
        : conn.get<{ n: number }>(
            sql`select count(*) as n from leads_fts where leads_fts match ${plan.match}`,
          ).n;
    } else {
      // Stream the matches and stop at the cap, instead of building the whole match set.
      n = limited(
        sql`select 1 from leads_fts cross join ${leads} on ${leads.id} = leads_fts.rowid
            where leads_fts match ${plan.match} and ${and(...conditions) ?? sql`1`}`,
      );
    }
  } else {
    n = limited(
      sql`select 1 from ${leads} where ${and(...conditions, searchCondition(plan)) ?? sql`1`}`,
    );
  }
  return Number.isFinite(cap) && n > cap
    ? { count: cap, capped: true }
    : { count: n, capped: false };
}

/**
 * How many leads a bulk change on "all matching" would touch: those of `countLeadsCapped`
 * that are neither restricted nor anonymised (listWorkableLeadIds' rule, which the change
 * itself uses), up to `cap`. The "select all N matching" offer shows this number, so the N
 * offered is the N changed.
 */
export function countWorkableLeads(
  conn: Conn,
  { scope, filter, cap }: { scope: Scope; filter: LeadFilterParams; cap: number },
): { count: number; capped: boolean } {
  // A filter that asks for restricted or anonymised leads only matches none that can change.
  if (filter.restricted === true || filter.anonymised === true) return { count: 0, capped: false };
  return countLeadsCapped(conn, {
    scope,
    filter: { ...filter, restricted: false, anonymised: false },
    cap,
  });
}
