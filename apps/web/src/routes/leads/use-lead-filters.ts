import {
  DEFAULT_LEAD_COLUMNS,
  type LeadColumn,
  type LeadFilterParams,
  leadGridFromSearchParams,
  leadGridToSearchParams,
} from '@mg/shared';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The grid's whole state (filter, sort and columns) lives in the URL through the shared
 * codec, so a link opens exactly the same grid, and a saved view is just a URL state.
 */
export function useLeadFilters() {
  const [params, setParams] = useSearchParams();
  const { filter, columns, dropped } = useMemo(() => leadGridFromSearchParams(params), [params]);

  const setGrid = useCallback(
    (next: { filter: LeadFilterParams; columns: readonly LeadColumn[] }) =>
      setParams(leadGridToSearchParams(next), { replace: true }),
    [setParams],
  );
  /** Merge changes into the filter; `undefined` removes a key. */
  const setFilter = useCallback(
    (changes: Partial<LeadFilterParams>) => setGrid({ filter: { ...filter, ...changes }, columns }),
    [setGrid, filter, columns],
  );
  const setColumns = useCallback(
    (next: readonly LeadColumn[]) => setGrid({ filter, columns: next }),
    [setGrid, filter],
  );

  const { sort: _sort, dir: _dir, ...narrowing } = filter;
  const active = Object.values(narrowing).some((value) => value !== undefined);
  const clear = () => setGrid({ filter: { sort: filter.sort, dir: filter.dir }, columns });
  const reset = () => setGrid({ filter: {}, columns: DEFAULT_LEAD_COLUMNS });
  /** Rewrite the link with only what could be used (the values in `dropped` go). */
  const dropInvalid = () => setGrid({ filter, columns });
  return {
    filter,
    columns,
    dropped: dropped ?? [],
    setFilter,
    setColumns,
    setGrid,
    active,
    clear,
    reset,
    dropInvalid,
  };
}

export type LeadGridControls = ReturnType<typeof useLeadFilters>;
