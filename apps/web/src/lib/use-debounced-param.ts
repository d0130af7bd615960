import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';

/**
 * Text input state for a URL filter: the box updates at once, the URL (and so the query)
 * only when typing pauses, and a URL change from elsewhere (back button, "clear filters")
 * flows back into the box.
 */
export function useDebouncedParam(urlValue: string, write: (value: string) => void, delay = 300) {
  const [value, setValue] = useState(urlValue);
  const [debounced] = useDebouncedValue(value, delay);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled edit writes the URL
  useEffect(() => {
    if (debounced.trim() !== urlValue) write(debounced.trim());
  }, [debounced]);

  useEffect(() => {
    setValue((current) => (current.trim() === urlValue ? current : urlValue));
  }, [urlValue]);

  /** Enter in a filter form: apply now instead of waiting for the pause. */
  const flush = () => {
    if (value.trim() !== urlValue) write(value.trim());
  };
  return [value, setValue, flush] as const;
}
