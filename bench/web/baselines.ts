/**
 * Baselines for bench/web's cold loads, measured in the same run as the app's (issue 11: a
 * figure beside a baseline of the same moment). On this machine chromium and the server share
 * two cores, so a cold load's time is partly the browser's own: a new context's renderer, and
 * parsing, styling and laying out what it is sent. Two loads separate that from the app's:
 * - a blank page: the least any cold load in a new context costs here;
 * - the app's drawn page for the same URL, captured a moment before and served as a static file
 *   without its scripts: what the browser needs for that HTML and its inline stylesheets alone,
 *   with no server work, data request or code.
 * The app's time above the static copy is then what the server and the app's code add.
 */
import { createServer, type Server } from 'node:http';

export type BaselineServer = {
  /** The blank page's URL. */
  blank: string;
  /** Serves `html` from now on; returns its URL (one per copy, so nothing is cached). */
  serve(html: string): string;
  close(): Promise<void>;
};

const BLANK =
  '<!doctype html><html lang="nb"><head><title>-</title></head><body><h1>-</h1></body></html>';

/** The selector the blank page's cold load waits for. */
export const BLANK_TARGET = { selector: 'h1' };

export async function startBaselineServer(): Promise<BaselineServer> {
  const pages = new Map<string, string>([['/blank', BLANK]]);
  const server: Server = createServer((req, res) => {
    const body = pages.get(req.url ?? '');
    if (body === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let copies = 0;
  return {
    blank: `${origin}/blank`,
    serve(html) {
      const path = `/copy/${++copies}`;
      pages.set(path, html);
      return `${origin}${path}`;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * The drawn page without what would load or run code: script elements and module preloads
 * (the app's own stylesheets are inline `<style>`s in a drawn page, decision 053, and their
 * `<link>`s disabled, so nothing else is fetched).
 */
export function withoutScripts(html: string): string {
  return html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
    .replace(/<link\b[^>]*rel="modulepreload"[^>]*>/gi, '');
}
