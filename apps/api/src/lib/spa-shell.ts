import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEAD_GRID_PAGE_SIZE, leadGridFromSearchParams, type Permission } from '@mg/shared';
import { TRPCError } from '@trpc/server';

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
  lead?: { id: number; byId: unknown; forwarding: unknown };
};

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
 * nothing for any other page or caller. A read that fails (a lead of another subsidiary, a
 * removed one) is left out: the app asks for it itself and shows its own error, so such a
 * denied read is asked, and logged as denied, twice. `onError` hears only unexpected failures.
 */
export async function readPageData(
  caller: PageDataCaller,
  url: URL,
  me: BootMe,
  onError: (err: unknown) => void,
): Promise<PageData> {
  if (me?.stage !== 'full' || !me.permissions.includes('lead:read')) return {};
  const attempt = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      // A refusal or a bad id is the app's to show; anything else is the server's to log.
      if (!(err instanceof TRPCError) || err.code === 'INTERNAL_SERVER_ERROR') onError(err);
      return undefined;
    }
  };
  if (LEADS_PATH.test(url.pathname)) {
    // The same parse of the same URL as the app's (lib/prefetch.ts, use-lead-filters.ts).
    const { filter } = leadGridFromSearchParams(url.searchParams);
    const input = { ...filter, limit: LEAD_GRID_PAGE_SIZE };
    const page = await attempt(() => caller.lead.list(input));
    return page === undefined ? {} : { leadList: { input, page } };
  }
  const id = Number(LEAD_PATH.exec(url.pathname)?.[1] ?? Number.NaN);
  if (Number.isSafeInteger(id) && id > 0) {
    const byId = await attempt(() => caller.lead.byId({ id }));
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

export type SpaShell = {
  /**
   * The HTML for `path` and this caller (null: signed out), with that page's data if read,
   * the server's HTML of the page if drawn (lib/ssr.ts), and its cache headers.
   */
  render(
    path: string,
    me: BootMe,
    data?: PageData,
    page?: { html: string; language: string } | null,
  ): { html: string; headers: Record<string, string> };
};

export function createSpaShell(webDist: string): SpaShell {
  const template = readFileSync(join(webDist, 'index.html'), 'utf8');
  const manifest = readManifest(webDist);
  // Worked out once: the build does not change under a running server.
  const hints = ROUTE_MODULES.map((route) => {
    const modules = [LAYOUT_MODULE, route.module, stringsModule(route.strings)];
    const files = manifest ? routeFiles(manifest, modules) : { js: [], css: [] };
    const js = files.js.map((file) => `<link rel="modulepreload" crossorigin href="/${file}">`);
    const links = [
      ...js,
      ...files.css.map((file) => `<link rel="preload" as="style" crossorigin href="/${file}">`),
    ];
    // With the server's HTML in the page its styles must apply before the first paint.
    const drawnLinks = [
      ...js,
      ...files.css.map((file) => `<link rel="stylesheet" crossorigin href="/${file}">`),
    ];
    return { ...route, links: links.join('\n    '), drawnLinks: drawnLinks.join('\n    ') };
  });
  const headEnd = template.lastIndexOf('</head>');
  const rootStart = template.indexOf(ROOT_ELEMENT);

  return {
    render(path, me, data = {}, page) {
      if (!me || headEnd < 0)
        return { html: template, headers: { 'Cache-Control': 'no-cache', Vary: 'Cookie' } };
      // A session at a second-factor step has no permissions (it is sent to that step), so it
      // gets no page code either.
      const route = hints.find((r) => r.path.test(path) && me.permissions.includes(r.permission));
      // The server's HTML goes in only where the template has the app's empty root.
      const drawn = page && rootStart > headEnd ? page : undefined;
      const links = drawn ? route?.drawnLinks : route?.links;
      const inject = [
        `<script type="application/json" id="boot">${jsonForHtml({ me, ...data })}</script>`,
        ...(links ? [links] : []),
      ].join('\n    ');
      let head = template.slice(0, headEnd);
      let body = template.slice(headEnd);
      if (drawn) {
        const language = drawn.language === 'en' ? 'en' : 'nb';
        // The page's language, and Mantine's colour scheme on <html> before any script runs
        // (the app sets the same attribute itself once it starts).
        head = head.replace(
          /<html lang="[a-z]{2}"/,
          `<html lang="${language}" data-mantine-color-scheme="light"`,
        );
        const at = rootStart - headEnd;
        body = `${body.slice(0, at)}<div id="root" data-ssr="${language}">${drawn.html}</div>${body.slice(at + ROOT_ELEMENT.length)}`;
      }
      return {
        html: `${head}  ${inject}\n  ${body}`,
        headers: { 'Cache-Control': 'no-store, private', Vary: 'Cookie' },
      };
    },
  };
}
