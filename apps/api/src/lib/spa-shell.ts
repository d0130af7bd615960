import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, createDeflate, createGzip } from 'node:zlib';
import { LEAD_GRID_PAGE_SIZE, leadGridFromSearchParams, type Permission } from '@mg/shared';
import { TRPCError } from '@trpc/server';
import { inlineStylesheetLinks, stylesheetMarkup } from './inline-styles';

/**
 * The web app's index.html, answered per request (issue 11 point 2: rows on screen fast).
 *
 * A cold load used to run three steps one after the other: parse the entry, ask `auth.me`,
 * only then request the page's data, while the page's code was discovered only once the
 * entry ran. The server already knows the answers when it sends the HTML, so for a valid
 * session the page carries:
 * - the `auth.me` answer as a JSON data block (`<script type="application/json" id="boot">`:
 *   never executed, so the CSP stays `script-src 'self'`), which the app puts in its query
 *   cache; its route loaders then start the page's data at once (apps/web/src/lib/boot.ts);
 * - `modulepreload` links for the requested page's chunks (from the Vite manifest), so they
 *   download while the entry is parsed instead of after it;
 * - for `/leads` and `/leads/<id>`, that page's data (`readPageData`): the grid's first page for
 *   the URL's filter, or the lead and its forwarding log, read by the same procedures through
 *   the same request context (same scope, same access-log entry, same answer), so the app's
 *   first render already has its rows and asks for them no second time.
 * Such an answer holds the caller's own profile: `no-store, private`, varying on the cookie.
 * Without a valid session the page is the plain file, revalidated on every load.
 */

/** What the shell needs of `auth.me`'s answer (the boot block holds all of it). */
export type BootMe = { stage: string; permissions: readonly string[] } | null;

/**
 * A page's data in the boot block, each answer beside the input it answers, so the app files
 * it under the very query key the page reads (apps/web/src/lib/prefetch.ts).
 */
export type PageData = {
  leadList?: { input: Record<string, unknown>; page: unknown };
  /**
   * The lead and its forwarding log; or, when `lead.byId` refused the caller (another
   * subsidiary's lead, a removed one), that refusal as its HTTP answer's error carries it.
   */
  lead?: { id: number; byId: unknown; forwarding: unknown } | { id: number; refused: unknown };
};

/** A refusal as the tRPC answer to the same call would carry it (the app shows that). */
export type RefusalShaper = (error: TRPCError, path: string, input: unknown) => unknown;

/**
 * The procedures a page's data comes from: a tRPC caller made with the page request's own
 * context, so scope, access log and answer are those of the same call over HTTP.
 */
export type PageDataCaller = {
  lead: {
    list(input: Record<string, unknown>): Promise<unknown>;
    byId(input: { id: number }): Promise<unknown>;
  };
  consent: { forwarding(input: { leadId: number }): Promise<unknown> };
};

const LEADS_PATH = /^\/leads\/?$/;
const LEAD_PATH = /^\/leads\/(\d{1,15})\/?$/;

/**
 * Reads the data of the page at `url` for a caller past every sign-in step who may read leads;
 * nothing for any other page or caller. A lead the caller may not read comes back as its
 * refusal (`refusalShape`: the error of the HTTP answer), which the app shows as its own
 * read's error without asking again: one page, one denied read in the access log (the app
 * used to ask again, and its prefetch and first render once more: five entries). Any other
 * read that fails is left out, for the app to ask. `onError` hears only unexpected failures.
 */
export async function readPageData(
  caller: PageDataCaller,
  url: URL,
  me: BootMe,
  onError: (err: unknown) => void,
  refusalShape: RefusalShaper,
): Promise<PageData> {
  const which = pageWithData(url.pathname, me);
  if (!which) return {};
  const attempt = async <T>(
    read: () => Promise<T>,
    onRefused?: (err: TRPCError) => void,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      // A refusal or a bad id is the app's to show; anything else is the server's to log.
      if (!(err instanceof TRPCError) || err.code === 'INTERNAL_SERVER_ERROR') onError(err);
      else onRefused?.(err);
      return undefined;
    }
  };
  if (which === 'leads') {
    // The same parse of the same URL as the app's (lib/prefetch.ts, use-lead-filters.ts).
    const { filter } = leadGridFromSearchParams(url.searchParams);
    const input = { ...filter, limit: LEAD_GRID_PAGE_SIZE };
    const page = await attempt(() => caller.lead.list(input));
    return page === undefined ? {} : { leadList: { input, page } };
  }
  const id = Number(LEAD_PATH.exec(url.pathname)?.[1] ?? Number.NaN);
  if (Number.isSafeInteger(id) && id > 0) {
    let refused: unknown;
    const byId = await attempt(
      () => caller.lead.byId({ id }),
      (err) => {
        refused = refusalShape(err, 'lead.byId', { id });
      },
    );
    if (refused !== undefined) return { lead: { id, refused } };
    // The forwarding log only with its lead: on its own it would not spare a request.
    if (byId === undefined) return {};
    const forwarding = await attempt(() => caller.consent.forwarding({ leadId: id }));
    return forwarding === undefined ? {} : { lead: { id, byId, forwarding } };
  }
  return {};
}

type ManifestChunk = { file: string; imports?: string[]; css?: string[]; isEntry?: boolean };
type Manifest = Record<string, ManifestChunk>;

/**
 * Pages people open cold (from a bookmark or the link in a notification), their route module
 * (as in apps/web/src/router.tsx), their string group (apps/web/src/lib/i18n-sections.ts) and
 * the permission that page needs: without it the app shows "no access", so preloading its
 * code would only waste the download.
 */
const ROUTE_MODULES: readonly {
  path: RegExp;
  module: string;
  strings: string;
  permission: Permission;
}[] = [
  {
    path: /^\/leads\/?$/,
    module: 'src/routes/leads/leads-page.tsx',
    strings: 'leads',
    permission: 'lead:read',
  },
  {
    path: /^\/leads\/\d+\/?$/,
    module: 'src/routes/leads/lead-detail-page.tsx',
    strings: 'lead',
    permission: 'lead:read',
  },
  {
    path: /^\/dashboard\/?$/,
    module: 'src/routes/dashboard/dashboard-page.tsx',
    strings: 'dashboard',
    permission: 'dashboard:read',
  },
];

/**
 * What every signed-in page loads beside its own module: the lazy layout around it and the
 * page's Norwegian strings (the fallback even in English), both fetched in parallel with the
 * page by the router, so both belong in the preload hints.
 */
const LAYOUT_MODULE = 'src/routes/layout/app-layout.tsx';

/** The app's empty root in index.html, where the server's HTML of the page goes (lib/ssr.ts). */
const ROOT_ELEMENT = '<div id="root"></div>';
const stringsModule = (group: string) => `virtual:strings/nb-${group}`;

/** A JSON value inside HTML: `<` escaped, so no text in it can close the script element. */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function readManifest(webDist: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(join(webDist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    // A build without a manifest still works; its pages just get no preload hints.
    return null;
  }
}

/** The files route modules load beyond the entry's own graph (which index.html names). */
function routeFiles(manifest: Manifest, modules: string[]): { js: string[]; css: string[] } {
  const entry = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  const loadedByEntry = new Set<string>();
  const walk = (key: string, seen: Set<string>) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) walk(imported, seen);
  };
  if (entry) walk(entry, loadedByEntry);
  const mine = new Set<string>();
  const visit = (key: string) => {
    if (mine.has(key) || loadedByEntry.has(key)) return;
    mine.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  for (const module of modules) if (manifest[module]) visit(module);
  const js: string[] = [];
  const css: string[] = [];
  for (const key of mine) {
    const chunk = manifest[key];
    if (!chunk) continue;
    if (chunk.file.endsWith('.js')) js.push(chunk.file);
    for (const file of chunk.css ?? []) if (!css.includes(file)) css.push(file);
  }
  return { js, css };
}

/**
 * The page the server reads the data of (and may draw) for this caller, or null: `/leads` and
 * `/leads/<id>`, for a caller past every sign-in step who may read leads.
 */
export function pageWithData(path: string, me: BootMe): 'leads' | 'lead' | null {
  if (me?.stage !== 'full' || !me.permissions.includes('lead:read')) return null;
  if (LEADS_PATH.test(path)) return 'leads';
  return LEAD_PATH.test(path) ? 'lead' : null;
}

/**
 * The module that starts the app once a server-drawn page has been painted
 * (apps/web/public/start-after-paint.js, decision 033). It finds the entry by this attribute on
 * the entry's modulepreload link.
 */
const AFTER_PAINT_LOADER = 'start-after-paint.js';
const ENTRY_LINK_ATTRIBUTE = 'data-app-entry';
/** A `modulepreload` link (Vite's in index.html and the entry's), with its line's indent. */
const MODULE_PRELOAD = /<link rel="modulepreload"[^>]*>/g;
const MODULE_PRELOAD_LINE = /[ \t]*<link rel="modulepreload"[^>]*>\n?/g;
/** The entry's script element as Vite writes it into index.html. */
const ENTRY_SCRIPT = /<script type="module"[^>]*\ssrc="([^"]+)"[^>]*><\/script>\s*/;

/**
 * A signed-in page in two parts: `head` goes out as soon as the caller is known, so the browser
 * fetches the stylesheets and the code while the server reads the page's data and draws it;
 * `finish` gives the rest once they are known.
 */
export type ShellStart =
  | { html: string; headers: Record<string, string> }
  | {
      head: string;
      headers: Record<string, string>;
      finish(data: PageData, page: RenderedPage | null): string;
    };

export type SpaShell = {
  /**
   * The page for `path` and this caller (null: signed out: the plain file, whole). `drawable`:
   * the server may draw this page (lib/ssr.ts), so its head gets the page's stylesheets as
   * stylesheets and `<html>` the language of the app's cookie (`language`) and Mantine's scheme.
   */
  start(
    path: string,
    me: BootMe,
    options: { drawable: boolean; language: string | undefined },
  ): ShellStart;
};

/** What the server's drawing of a page gives (lib/ssr.ts). */
type RenderedPage = { html: string; language: string };

export function createSpaShell(webDist: string): SpaShell {
  const template = readFileSync(join(webDist, 'index.html'), 'utf8');
  const manifest = readManifest(webDist);
  // Worked out once: the build does not change under a running server.
  const hints = ROUTE_MODULES.map((route) => {
    const modules = [LAYOUT_MODULE, route.module, stringsModule(route.strings)];
    const files = manifest ? routeFiles(manifest, modules) : { js: [], css: [] };
    const js = files.js.map((file) => `<link rel="modulepreload" crossorigin href="/${file}">`);
    // Stylesheets first: they decide when the page can paint, the code only when it starts.
    const links = [
      ...files.css.map((file) => `<link rel="preload" as="style" crossorigin href="/${file}">`),
      ...js,
    ];
    // With the server's HTML in the page its styles must apply before the first paint, so
    // they come in the head itself (lib/inline-styles.ts); its code is preloaded after the
    // drawn page (see `start`).
    const drawnStyles = files.css.map((file) => stylesheetMarkup(webDist, `/${file}`));
    return {
      ...route,
      links: links.join('\n    '),
      drawnStyles: drawnStyles.join('\n    '),
      drawnCode: js.join('\n    '),
    };
  });
  const headEnd = template.lastIndexOf('</head>');
  const rootStart = template.indexOf(ROOT_ELEMENT);
  const entry = ENTRY_SCRIPT.exec(template.slice(0, Math.max(headEnd, 0)));
  // A page is streamed only when the template has the parts it is cut at: its head, the app's
  // empty root after it and the entry's script in the head.
  const streamable = headEnd >= 0 && rootStart > headEnd && entry !== null;
  const entrySrc = entry?.[1] ?? '';
  // The entry's script leaves the head for the end of the body (where it is the same deferred
  // module); in the head a preload fetches it from the first bytes on.
  const entryPreload = `<link rel="modulepreload" crossorigin href="${entrySrc}" ${ENTRY_LINK_ATTRIBUTE}>`;
  const headTemplate = entry
    ? template.slice(0, headEnd).replace(entry[0], `${entryPreload}\n    `)
    : template.slice(0, headEnd);
  // A page the server draws fetches only its stylesheets while it is drawn: its code (the
  // entry and what the head preloads, ~35 files) waits until after the drawn page, so that the
  // first paint does not share the two cores with serving, receiving and compiling it
  // (decision 040). The app starts after that paint anyway (start-after-paint.js).
  const templatePreloads = headTemplate.match(MODULE_PRELOAD) ?? [];
  const drawnHeadTemplate = inlineStylesheetLinks(
    webDist,
    headTemplate.replace(MODULE_PRELOAD_LINE, ''),
  );
  const entryScript = `<script type="module" crossorigin src="${entrySrc}"></script>`;
  // Without the loader in the build (tests' stand-in builds) a drawn page starts as any other.
  const afterPaintScript = existsSync(join(webDist, AFTER_PAINT_LOADER))
    ? `<script type="module" crossorigin src="/${AFTER_PAINT_LOADER}"></script>`
    : entryScript;
  const bodyStart = streamable ? template.slice(headEnd, rootStart) : '';
  const bodyEnd = streamable ? template.slice(rootStart + ROOT_ELEMENT.length) : '';
  const bodyClose = bodyEnd.lastIndexOf('</body>');

  return {
    start(path, me, { drawable, language }) {
      if (!me || !streamable)
        return { html: template, headers: { 'Cache-Control': 'no-cache', Vary: 'Cookie' } };
      // A session at a second-factor step has no permissions (it is sent to that step), so it
      // gets no page code either.
      const route = hints.find((r) => r.path.test(path) && me.permissions.includes(r.permission));
      let head = drawable ? drawnHeadTemplate : headTemplate;
      let links = route?.links;
      // On a drawn page the code's preloads go after the page (finish).
      let drawnCode = '';
      if (drawable) {
        links = route?.drawnStyles;
        drawnCode = [...templatePreloads, ...(route?.drawnCode ? [route.drawnCode] : [])].join(
          '\n    ',
        );
        // The language the page will be drawn in (the render's own rule, entry-server.tsx), and
        // Mantine's colour scheme on <html> before any script runs (the app sets the same
        // attribute itself once it starts, so a page that ends up not drawn loses nothing).
        head = head.replace(
          /<html lang="[a-z]{2}"/,
          `<html lang="${language === 'en' ? 'en' : 'nb'}" data-mantine-color-scheme="light"`,
        );
      }
      head = `${head}${links ? `  ${links}\n  ` : ''}${bodyStart}`;
      return {
        head,
        headers: { 'Cache-Control': 'no-store, private', Vary: 'Cookie' },
        finish(data, page) {
          const boot = `<script type="application/json" id="boot">${jsonForHtml({ me, ...data })}</script>`;
          // Only a drawn page waits for its first paint before the app starts: on an empty
          // root there is nothing to paint first.
          const root = page
            ? `<div id="root" data-ssr="${page.language === 'en' ? 'en' : 'nb'}">${page.html}</div>`
            : ROOT_ELEMENT;
          const script = page ? afterPaintScript : entryScript;
          const at = bodyClose < 0 ? bodyEnd.length : bodyClose;
          const code = drawnCode ? `  ${drawnCode}\n  ` : '';
          return `${boot}\n    ${root}${bodyEnd.slice(0, at)}${code}  ${script}\n  ${bodyEnd.slice(at)}`;
        },
      };
    },
  };
}

/**
 * A streamed page's bytes: `head` at once, then the rest when it is known, compressed with
 * `encoding` (or not) and flushed after the head, so the head is not held back in the
 * compressor's window until the body comes (lib/compress.ts would hold it: it compresses
 * whole answers and sees no pause).
 */
export function streamPage(
  head: string,
  rest: Promise<string>,
  encoding: 'gzip' | 'deflate' | undefined,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  if (!encoding)
    return new ReadableStream({
      async start(controller) {
        controller.enqueue(encoder.encode(head));
        controller.enqueue(encoder.encode(await rest));
        controller.close();
      },
    });
  const zlib = encoding === 'gzip' ? createGzip() : createDeflate();
  const output: Buffer[] = [];
  zlib.on('data', (chunk: Buffer) => output.push(chunk));
  // What zlib has given since the last call, as one chunk (one write to the socket).
  const take = () => new Uint8Array(Buffer.concat(output.splice(0)));
  return new ReadableStream({
    start(controller) {
      zlib.on('error', (err) => controller.error(err));
      zlib.write(head);
      zlib.flush(constants.Z_SYNC_FLUSH, () => controller.enqueue(take()));
      rest.then(
        (text) => {
          zlib.on('end', () => {
            controller.enqueue(take());
            controller.close();
          });
          zlib.end(text);
        },
        (err: unknown) => controller.error(err),
      );
    },
    cancel() {
      zlib.destroy();
    },
  });
}
