import { type RefObject, useEffect } from 'react';

const APP_NAME = 'MG Leads';

/** "Lead 3001 · MG Leads": what the tab, the history and a screen reader announce. */
export function pageTitle(title: string): string {
  return title ? `${title} · ${APP_NAME}` : APP_NAME;
}

/**
 * The tab title of a page. Every page sets it through this hook (PageHeader does for pages
 * that have one), so no tab keeps the previous page's title.
 */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = pageTitle(title);
  }, [title]);
}

// Set by the layout when the path changes; taken by the next page heading that appears. The
// heading may appear well after the navigation (a lazy page, then its data), so the request
// waits for it rather than focusing whatever is on screen at the moment of the click.
let headingFocusPending = false;

/**
 * After a navigation to another page: its heading takes focus, now if it is already shown
 * (the layout's effect runs after the new page's own), else as soon as it appears.
 */
export function requestHeadingFocus(main: HTMLElement | null) {
  const heading = main?.querySelector<HTMLElement>('h1[tabindex="-1"]');
  if (heading) {
    headingFocusPending = false;
    heading.focus({ preventScroll: true });
  } else headingFocusPending = true;
}

/**
 * Focuses a page heading (h1, tabIndex -1) when a navigation asked for it, so a screen reader
 * starts reading the new page instead of staying on the link that was clicked.
 */
export function useHeadingFocus(ref: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (!headingFocusPending || !ref.current) return;
    headingFocusPending = false;
    ref.current.focus({ preventScroll: true });
  }, [ref]);
}
