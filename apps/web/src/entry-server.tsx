/**
 * The server's first paint of `/leads` and `/leads/<id>` (decision 029): the API renders the
 * page with the app's own components, from the same answers it writes into the boot block, so
 * the rows are on screen before any of the app's JavaScript has run; the browser then hydrates
 * that HTML (main.tsx). Built by `vite build --config vite.ssr.config.ts` into
 * dist/server/entry-server.js, which the API imports at start-up (apps/api/src/lib/ssr.ts).
 *
 * Nothing here keeps a request's data: each render gets its own query cache, API client and
 * router context. What is shared is code (the route tree, whose lazy screens resolve once), the
 * translations, which are read, never written, and one i18next instance per language (whose
 * language never changes; decision 052).
 */
import { LEAD_GRID_PAGE_SIZE, leadGridFromSearchParams } from '@mg/shared';
import type { QueryClient } from '@tanstack/react-query';
import { createInstance, type i18n as I18n } from 'i18next';
import { StrictMode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { StaticRouter } from 'react-router';
import { App } from './app';
import { type Boot, readBoot } from './lib/boot';
import { interpolationFormatter, setLanguageSource } from './lib/format';
import { LANGUAGES, type Language } from './lib/i18n';
import { seedQueryCache } from './lib/prefetch';
import { createQueryClient } from './lib/query-client';
import { renderSettled } from './lib/render-settled';
import { createApiClient } from './lib/trpc';
import en from './locales/en.json';
import nb from './locales/nb.json';
import { AppRoutes, preloadRoutes } from './router';

/**
 * Where a render's language lives while it runs: the API passes Node's AsyncLocalStorage, so
 * the app's formatters (lib/format.ts), which are called outside React's tree, read the
 * language of the render they run in, even with several renders in flight.
 */
export type LanguageScope = {
  run<R>(language: string, callback: () => R): R;
  getStore(): string | undefined;
};

export type RenderInput = {
  /** The page's URL (path and query). */
  url: string;
  /** The boot block's value, exactly as written into the page (a JSON round trip is made). */
  boot: unknown;
  /** The language the browser will show (its cookie); anything else is Norwegian. */
  language: string | undefined;
  /** Aborts the render (the API's time limit). */
  signal: AbortSignal;
};

/** The page's HTML for #root and the language it is in; null: not a page drawn here. */
export type RenderResult = { html: string; language: Language } | null;

/**
 * One i18next instance per language, made once and shared by every render in it (decision
 * 052; 029 made one per request). Nothing of a request is in it: the resources are read only,
 * its language is never changed, and the formatters take the language from the render's scope.
 * Sharing it lets the app's cached `t` (lib/use-translation.ts) keep its answers from one page
 * to the next, and saves setting up an instance per page.
 */
const pageI18ns = new Map<Language, I18n>();

function pageI18n(language: Language): I18n {
  let instance = pageI18ns.get(language);
  if (!instance) {
    instance = newPageI18n(language);
    pageI18ns.set(language, instance);
  }
  return instance;
}

function newPageI18n(language: Language): I18n {
  const instance = createInstance();
  void instance.use(interpolationFormatter).init({
    resources: { nb: { translation: nb }, en: { translation: en } },
    lng: language,
    fallbackLng: 'nb',
    supportedLngs: LANGUAGES,
    // As lib/i18n.ts, so both sides write the same text.
    interpolation: { escapeValue: false, alwaysFormat: true },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

/** How many times the warm-up draws each page in each language (about a second of work). */
const WARM_ROUNDS = 3;

/**
 * Made-up pages for the warm-up: a full grid page and a lead with some history, in the shapes
 * the API answers (nothing real: the renderer has no database, and no caller's data is kept).
 * Also what bench/web/render.ts times.
 */
export function warmPages(): [string, Boot][] {
  const me = {
    stage: 'full',
    user: {
      id: 0,
      email: '',
      name: 'Warm',
      role: 'admin',
      subsidiaryId: null,
      subsidiaryName: null,
    },
    permissions: ['lead:read', 'lead:update', 'lead:export', 'dashboard:read', 'project:read'],
  } as unknown as Boot['me'];
  const at = Date.UTC(2026, 0, 15, 12);
  const row = (id: number) => ({
    id,
    name: `Kari Nordmann ${id}`,
    email: `kari${id}@example.no`,
    phone: '+4791234567',
    status: (['new', 'contacted', 'follow_up', 'sold', 'closed'] as const)[id % 5],
    projectId: 1 + (id % 7),
    projectName: `Prosjekt ${id % 7}`,
    subsidiaryId: 1 + (id % 3),
    subsidiaryName: `Datterselskap ${id % 3} AS`,
    assigneeUserId: id % 2 ? 1 : null,
    assigneeName: id % 2 ? 'Ola Nordmann' : null,
    assigneeActive: id % 2 ? true : null,
    consentEmail: id % 3 === 0,
    consentSms: id % 4 === 0,
    restricted: id % 11 === 0,
    legalHold: id % 13 === 0,
    anonymisedAt: null,
    createdAt: at - id * 3_600_000,
    statusChangedAt: at - id * 3_600_000,
    lastActivityAt: at - id * 1_800_000,
  });
  const items = Array.from({ length: LEAD_GRID_PAGE_SIZE }, (_, i) => row(i + 1));
  // The input the API reads `/leads` with (spa-shell.ts: the URL's filter, its default sort
  // included), so the page finds its rows under the key it reads; with any other the grid
  // drew its loading skeleton and the warm-up never ran the rows' code.
  const input = {
    ...leadGridFromSearchParams(new URLSearchParams()).filter,
    limit: LEAD_GRID_PAGE_SIZE,
  };
  const grid = {
    me,
    leadList: { input, page: { items, nextCursor: 'warm' } },
  } as unknown as Boot;
  const lead = {
    me,
    lead: {
      id: 1,
      byId: {
        lead: {
          ...row(1),
          message: 'Interessert i en treromsleilighet.',
          source: 'form',
          policyVersionId: 1,
          policyLabel: '2024-06-17',
          legalHoldReason: null,
        },
        consent: [],
        activity: [],
        disclosures: [
          { id: 1, kind: 'intake', subsidiaryId: 1, subsidiaryName: 'Datterselskap AS', at },
        ],
        related: [],
      },
      forwarding: [],
    },
  } as unknown as Boot;
  return [
    ['/leads', grid],
    ['/leads/1', lead],
  ];
}

export function createRenderer(scope: LanguageScope) {
  setLanguageSource(() => scope.getStore() ?? 'nb');

  async function render(input: RenderInput): Promise<RenderResult> {
    // The browser sees the boot block through JSON: render from exactly that.
    const boot = readBoot(JSON.parse(JSON.stringify(input.boot)));
    if (!boot) return null;
    const language: Language = input.language === 'en' ? 'en' : 'nb';
    // The route's screens resolve once, as code (no request's data); the render below would
    // wait for them too, but this way a render never suspends on code.
    await preloadRoutes(input.url);
    const queryClient: QueryClient = createQueryClient();
    seedQueryCache(queryClient, boot);
    const i18n = pageI18n(language);
    const element = (
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <App queryClient={queryClient} trpcClient={createApiClient()}>
            {/* No prefetch: the page's data is in the boot block already, and the browser's
                module-level cache is not this request's. */}
            <StaticRouter location={input.url}>
              <AppRoutes />
            </StaticRouter>
          </App>
        </I18nextProvider>
      </StrictMode>
    );
    try {
      const html = await renderSettled(element, input.signal, (draw) => scope.run(language, draw));
      return { html, language };
    } finally {
      queryClient.clear();
    }
  }

  /**
   * Loads the screens' code (the routes' lazy modules, the lazy parts of the layout) and runs
   * the grid and a lead page, full of made-up rows, a few times in both languages, so no
   * visitor's page pays for it: a first render ran ~4x slower than later ones (the JIT had not
   * compiled React's and Mantine's render paths), and the first lead page, whose screen the old
   * warm-up never drew, missed the time limit and went out as the plain shell (decision 033).
   */
  async function warm(rounds = WARM_ROUNDS): Promise<void> {
    const signal = AbortSignal.timeout(30_000);
    for (let round = 0; round < rounds; round++)
      for (const language of LANGUAGES)
        for (const [url, boot] of warmPages()) await render({ url, boot, language, signal });
  }

  return Object.assign(render, { warm });
}
