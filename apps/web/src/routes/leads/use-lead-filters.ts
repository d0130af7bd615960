import { CONSENT_PURPOSES, LEAD_STATUSES } from '@mg/shared';
import { useMemo } from 'react';
import { parseEnum, parseId, useUrlFilters } from '../../lib/search-params';

/** URL parameter names; short, since they end up in shared links. */
export const LEAD_FILTER_PARAMS = ['q', 'project', 'subsidiary', 'status', 'consent'] as const;

export function useLeadFilters() {
  const [params, setFilters] = useUrlFilters();
  const filters = useMemo(() => {
    const search = params.get('q')?.trim() ?? '';
    return {
      search: search || undefined,
      projectId: parseId(params.get('project')),
      subsidiaryId: parseId(params.get('subsidiary')),
      status: parseEnum(params.get('status'), LEAD_STATUSES),
      consent: parseEnum(params.get('consent'), CONSENT_PURPOSES),
    };
  }, [params]);
  const active = Object.values(filters).some((value) => value !== undefined);
  const clear = () => setFilters(Object.fromEntries(LEAD_FILTER_PARAMS.map((key) => [key, null])));
  return { filters, setFilters, active, clear };
}
