/**
 * The server's first paint of `/leads` and `/leads/<id>` (decision 029): the API renders the
 * page with the app's own components, from the same answers it writes into the boot block, so
 * the rows are on screen before any of the app's JavaScript has run; the browser then hydrates
 * that HTML (main.tsx). Built by `vite build --config vite.ssr.config.ts` into
 * dist/server/entry-server.js, which the API imports at start-up (apps/api/src/lib/ssr.ts).
 *
 * Nothing here keeps a request's data: each render gets its own query cache, API client,
 * i18next instance and router context. What is shared is code (the route tree, whose lazy
 * screens resolve once) and the translations, which are read, never written.
 */
import { LEAD_GRID_PAGE_SIZE } from '@mg/shared';
import type { QueryClient } from '@tanstack/react-query';
import { createInstance, type i18n as I18n } from 'i18next';
import { StrictMode } from 'react';
import { prerender } from 'react-dom/static';
import { I18nextProvider } from 'react-i18next';
import { StaticRouter } from 'react-router';
import { App } from './app';
import { readBoot } from './lib/boot';
import { interpolationFormatter, setLanguageSource } from './lib/format';
import { LANGUAGES, type Language } from './lib/i18n';
import { seedQueryCache } from './lib/prefetch';
import { createQueryClient } from './lib/query-client';
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

function pageI18n(language: Language): I18n {
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

async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
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
    const failures: unknown[] = [];
    const { prelude } = await scope.run(language, () =>
      prerender(element, {
        signal: input.signal,
        onError: (error) => {
          failures.push(error);
        },
      }),
    );
    const html = await readStream(prelude);
    queryClient.clear();
    if (failures.length > 0) throw failures[0];
    return { html, language };
  }

  /**
   * Loads the screens' code (the routes' lazy modules, the lazy parts of the layout) with a
   * render of an empty grid and a lead page's route, so no visitor's page pays for it.
   */
  async function warm(): Promise<void> {
    const me = {
      stage: 'full',
      user: { id: 0, email: '', name: '', role: 'admin', subsidiaryId: null, subsidiaryName: null },
      permissions: ['lead:read'],
    };
    const page = { items: [], nextCursor: null };
    await render({
      url: '/leads',
      boot: { me, leadList: { input: { limit: LEAD_GRID_PAGE_SIZE }, page } },
      language: 'nb',
      signal: AbortSignal.timeout(10_000),
    });
    await preloadRoutes('/leads/1');
  }

  return Object.assign(render, { warm });
}
