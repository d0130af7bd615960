import {
  addDays,
  dashboardRange,
  dashboardRangeProblem,
  isoDateSchema,
  osloDate,
  type ValidationKey,
  weekStart,
} from '@mg/shared';
import { useMemo } from 'react';
import { parseId, useUrlFilters } from '../../lib/search-params';

export const STALE_DAY_CHOICES = [1, 2, 3, 5, 7, 14] as const;
const DEFAULT_STALE_DAYS = 2;

/** The last 12 weeks, this week included: the dashboard's default. */
export function defaultRange(today = osloDate(Date.now())) {
  return { from: addDays(weekStart(today), -7 * 11), to: today };
}

/** Why the URL's period cannot be used (same rules as the API), or null. */
export function rangeProblem(
  params: { from: string | null; to: string | null },
  today = osloDate(Date.now()),
): ValidationKey | null {
  for (const value of [params.from, params.to]) {
    if (value === null) continue;
    const parsed = isoDateSchema.safeParse(value);
    if (!parsed.success)
      return parsed.error.issues[0]?.message === 'dateOutOfRange' ? 'dateOutOfRange' : 'invalid';
  }
  if (params.from === null) return null;
  return dashboardRangeProblem({ from: params.from, to: params.to ?? today });
}

/**
 * The dashboard's range and staleness threshold, in the URL so a view can be shared. A
 * period the API would refuse is not sent: the default is shown, and `linkProblem` says why.
 */
export function useDashboardRange() {
  const [params, setParams] = useUrlFilters();
  const value = useMemo(() => {
    const fallback = defaultRange();
    const given = { from: params.get('from'), to: params.get('to') };
    const linkProblem = rangeProblem(given, fallback.to);
    // The API's own defaults for a missing end, so the page shows what the API would.
    const { from, to } = linkProblem
      ? fallback
      : dashboardRange({ from: given.from ?? undefined, to: given.to ?? undefined }, fallback.to);
    const stale = parseId(params.get('stale'));
    const staleDays = STALE_DAY_CHOICES.find((n) => n === stale) ?? DEFAULT_STALE_DAYS;
    return { from, to, staleDays, linkProblem };
  }, [params]);
  return { ...value, setParams };
}
