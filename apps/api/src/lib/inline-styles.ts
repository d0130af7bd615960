import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A server-drawn page's stylesheets, carried in its head instead of fetched (decision 053).
 *
 * A drawn page cannot paint before every stylesheet in its head has loaded. A lead page names
 * about fifteen (Mantine's CSS by component, decision 045): over HTTP/1.1's six connections,
 * one of them held by the streamed HTML itself, they arrived in three rounds while the server
 * was busy drawing, the last one ~640 ms after navigation start against the HTML's ~320. In
 * the head (~110 KB raw, ~17 KB compressed, sent ~1 ms after the request) they cost no request
 * at all: the lead page's cold load went from 764 to 436 ms (p50, 10 loads).
 *
 * Each inlined sheet leaves a `disabled` stylesheet link with its URL beside it. A disabled
 * link is never fetched, but the app's module preloader (Vite's, in the entry) looks for a
 * `link[rel=stylesheet]` with a chunk's CSS URL before it adds one: when the app later loads a
 * screen whose chunk names the same file, it finds the link and does not load the sheet a
 * second time.
 */

/**
 * What can go inline unchanged: no `</style` (it would end the element early), no `@import`
 * and no `url()` other than a data URL (both resolve against the sheet's own URL, which would
 * become the page's).
 */
export function inlinable(css: string): boolean {
  if (/<\/style/i.test(css) || /@import/i.test(css)) return false;
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]*)/gi))
    if (!match[2]?.trimStart().toLowerCase().startsWith('data:')) return false;
  return true;
}

/**
 * The head's markup for the stylesheet at `href` (a path under the build, `/assets/...`):
 * inline with its marker link, or the ordinary link when the file is missing (a test's
 * stand-in build) or cannot go inline.
 */
export function stylesheetMarkup(webDist: string, href: string): string {
  const link = `<link rel="stylesheet" crossorigin href="${href}">`;
  let css: string;
  try {
    css = readFileSync(join(webDist, href), 'utf8');
  } catch {
    return link;
  }
  if (!inlinable(css)) return link;
  return `<style data-href="${href}">${css}</style><link rel="stylesheet" crossorigin href="${href}" disabled>`;
}

/** A stylesheet link as Vite writes it into index.html, with its href. */
const STYLESHEET_LINK = /<link rel="stylesheet"[^>]*\shref="([^"]+)"[^>]*>/g;

/** `html` with each of Vite's stylesheet links replaced by `stylesheetMarkup`. */
export function inlineStylesheetLinks(webDist: string, html: string): string {
  return html.replace(STYLESHEET_LINK, (link, href: string) =>
    href.startsWith('/') && !href.startsWith('//') ? stylesheetMarkup(webDist, href) : link,
  );
}
