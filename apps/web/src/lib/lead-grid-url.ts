import type { LeadFilter } from '@mg/shared';

/**
 * The grid's filter as `leadGridFromSearchParams` reads it from the URL (its `filter` part), for
 * the prefetch that starts with the entry. That parser validates with zod (20 KB of gzip), which
 * has no place on the first load of every page (issue 11): a `/leads` link that names no filter,
 * the usual cold load, gets the defaults at once; one that does waits for the parser's chunk,
 * which the grid's own code needs anyway. lead-grid-url.test.ts keeps the defaults equal.
 */
export const DEFAULT_LEAD_FILTER: LeadFilter = { sort: 'createdAt', dir: 'desc' };

/** Search parameters that do not change the filter (the grid's columns). */
const NOT_FILTER = new Set(['cols']);

export async function leadFilterFromUrl(url: URL): Promise<LeadFilter> {
  const namesFilter = [...url.searchParams.keys()].some((key) => !NOT_FILTER.has(key));
  if (!namesFilter) return { ...DEFAULT_LEAD_FILTER };
  const { leadGridFromSearchParams } = await import('./lead-grid-parse');
  return leadGridFromSearchParams(url.searchParams).filter;
}
