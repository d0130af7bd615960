import { type LeadFilterParams, leadGridToSearchParams, toQueryString } from '@mg/shared';

/**
 * The lead grid filtered to these leads, written with the grid's own URL codec so the link
 * and the grid always agree on parameter names (/leads?project=3&subsidiary=2).
 */
export function leadsLink(filter: LeadFilterParams): string {
  const query = toQueryString(leadGridToSearchParams({ filter }));
  return query ? `/leads?${query}` : '/leads';
}
