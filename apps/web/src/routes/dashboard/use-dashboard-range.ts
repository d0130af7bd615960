import { addDays, DASHBOARD_MAX_DAYS, daysBetween, osloDate, weekStart } from '@mg/shared';
import { useMemo } from 'react';
import { parseId, useUrlFilters } from '../../lib/search-params';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const STALE_DAY_CHOICES = [1, 2, 3, 5, 7, 14] as const;
const DEFAULT_STALE_DAYS = 2;

/** The last 12 weeks, this week included: the dashboard's default. */
export function defaultRange(today = osloDate(Date.now())) {
  return { from: addDays(weekStart(today), -7 * 11), to: today };
}

/** The dashboard's range and staleness threshold, in the URL so a view can be shared. */
export function useDashboardRange() {
  const [params, setParams] = useUrlFilters();
  const value = useMemo(() => {
    const fallback = defaultRange();
    let from = params.get('from') ?? '';
    let to = params.get('to') ?? '';
    if (!ISO_DATE.test(from)) from = fallback.from;
    if (!ISO_DATE.test(to)) to = fallback.to;
    if (to < from || daysBetween(from, to) > DASHBOARD_MAX_DAYS) ({ from, to } = fallback);
    const stale = parseId(params.get('stale'));
    const staleDays = STALE_DAY_CHOICES.find((n) => n === stale) ?? DEFAULT_STALE_DAYS;
    return { from, to, staleDays };
  }, [params]);
  return { ...value, setParams };
}
