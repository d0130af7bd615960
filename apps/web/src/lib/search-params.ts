import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** A positive integer id from a URL segment or parameter; anything else is "none". */
export function parseId(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined;
  const id = Number(value);
  return id > 0 ? id : undefined;
}

export function parseEnum<T extends string>(
  value: string | null,
  allowed: readonly T[],
): T | undefined {
  return allowed.find((item) => item === value);
}

/**
 * Filters live in the URL, so a filtered list can be bookmarked, shared and restored with
 * the back button. Empty values are removed rather than kept as `?x=`.
 */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const setFilters = useCallback(
    (changes: Record<string, string | number | null | undefined>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null || value === undefined || value === '') next.delete(key);
            else next.set(key, String(value));
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [params, setFilters] as const;
}
