import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import 'mantine-datatable/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { type HydrationState, matchRoutes, RouterProvider } from 'react-router';
import { App } from './app';
import { i18n, i18nReady } from './lib/i18n';
import { queryClient, trpcClient } from './lib/prefetch';
import { appRoutes, createRouter } from './router';

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element');

/**
 * The server drew this page (decision 029): #root holds its HTML and says in which language.
 * Resolves the lazy routes of this URL first (their code is preloaded beside the entry), so
 * the router's first render is the page the server drew rather than a loading screen, and
 * says which of their loaders count as run: the page's data is in the cache already.
 */
async function resolveServerPage(): Promise<HydrationState> {
  const matches = matchRoutes(appRoutes, window.location) ?? [];
  await Promise.all(
    matches.map(async ({ route }) => {
      if (typeof route.lazy !== 'function') return;
      const resolved = await route.lazy();
      Object.assign(route, { ...resolved, lazy: undefined });
    }),
  );
  const loaderData: Record<string, null> = {};
  for (const { route } of matches) if (route.loader && route.id) loaderData[route.id] = null;
  return { loaderData };
}

// Immediate for Norwegian; for English, after its translations chunk (lib/i18n.ts).
void i18nReady.then(async () => {
  // A milestone for bench/web's waterfall: how long the entry took to get here.
  performance.mark('mg:render');
  const serverLanguage = container.dataset.ssr;
  const serverDrawn = serverLanguage !== undefined && container.firstChild !== null;
  const router = createRouter(serverDrawn ? await resolveServerPage() : undefined);
  const app = (
    // The server's tree (entry-server.tsx) has an I18nextProvider around App for its
    // per-request instance; a one-child provider changes no element or id, so the browser
    // does without it (the global instance, and bytes on the first load).
    <StrictMode>
      <App queryClient={queryClient} trpcClient={trpcClient}>
        <RouterProvider router={router} />
      </App>
    </StrictMode>
  );
  // Hydrated when the server drew it in the language shown here; otherwise (the language
  // chosen in another tab since) drawn afresh over it: the same page, so nothing flashes.
  if (serverDrawn && serverLanguage === i18n.language) hydrateRoot(container, app);
  else createRoot(container).render(app);
});
