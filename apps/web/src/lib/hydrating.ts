import { useMediaQuery } from '@mantine/hooks';
import { useSyncExternalStore } from 'react';

const noSubscription = () => () => undefined;

/**
 * True while the server renders the page and while the browser hydrates that HTML; false on
 * every other render (decision 029). What the server cannot know (the window's height, the
 * screen width) must render the same on both sides during hydration, or React throws the
 * server HTML away. React renders again with `false` right after hydrating.
 * No module state: the answer comes from React itself (its server snapshot).
 */
export function useHydrating(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => false,
    () => true,
  );
}

/**
 * A media query read synchronously on a browser-only render (no flash of the wrong layout),
 * but `serverValue` while the server renders and the browser hydrates: the server knows no
 * screen size, and the hydrating render must draw what the server drew.
 */
export function useMediaQueryAfterHydration(query: string, serverValue: boolean): boolean {
  const hydrating = useHydrating();
  const live = useMediaQuery(query, serverValue, { getInitialValueInEffect: false });
  return hydrating ? serverValue : (live ?? serverValue);
}
