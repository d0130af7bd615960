/**
 * Starts the app on a page the server drew (decision 033): the server writes this module in
 * place of the entry's script, and a `modulepreload` link with `data-app-entry` in the head.
 *
 * Chromium runs a page's deferred module scripts as soon as they have loaded once the HTML is
 * parsed, and holds the first paint until they have run: the server's rows stayed off screen
 * while the entry (React, Mantine, the router) was evaluated and hydrated them, ~500 ms of
 * main-thread work on this machine. This module is tiny: it lets the page paint first (the
 * frame after this one), then imports the entry, which the preload has fetched and compiled
 * meanwhile. A click on a link before that is an ordinary navigation (the rows are real links).
 */
const link = document.querySelector('link[rel="modulepreload"][data-app-entry]');
let started = false;
const start = () => {
  if (started || !(link instanceof HTMLLinkElement)) return;
  started = true;
  import(link.href);
};
if (document.visibilityState === 'hidden') {
  // A tab opened in the background paints nothing (and runs no frames) until it is shown.
  start();
} else {
  // A frame callback runs just before that frame is painted; the task after it, just after.
  requestAnimationFrame(() => setTimeout(start, 0));
  // Should no frame come (a throttled frame, a stylesheet that never loads), start anyway.
  setTimeout(start, 1000);
}
