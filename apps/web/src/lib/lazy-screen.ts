import type { ComponentType } from 'react';

/** A screen whose code is fetched the first time its route matches (router.tsx). */
export type LazyScreen = {
  /**
   * Fetches the screen's code and what it needs with it, once; resolves when both are there.
   * A failed fetch stays failed (the render shows it through the error boundary instead of
   * fetching again on every render) until a call with `retryFailed`, which the router makes on
   * the next navigation.
   */
  preload(retryFailed?: boolean): Promise<void>;
  /** The screen's component once it is there, so a render need not suspend on it. */
  loaded(): ComponentType | undefined;
};

/**
 * `load` fetches the screen's module; `alongside` what must be there before it renders (its
 * strings: lib/route-strings.ts), fetched at the same time, not after.
 */
export function lazyScreen(
  load: () => Promise<ComponentType>,
  alongside: () => Promise<void>,
): LazyScreen {
  let loaded: ComponentType | undefined;
  let pending: Promise<void> | undefined;
  let failed = false;
  const preload = (retryFailed = false) => {
    if (failed && retryFailed) {
      failed = false;
      pending = undefined;
    }
    pending ??= Promise.all([load(), alongside()]).then(
      ([component]) => {
        loaded = component;
      },
      (error: unknown) => {
        failed = true;
        throw error;
      },
    );
    return pending;
  };
  return { preload, loaded: () => loaded };
}
