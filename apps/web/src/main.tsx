// Mantine's global styles; each component's own come with its code (build/mantine-css.ts).
import 'virtual:mantine-styles';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { i18n, i18nReady } from './lib/i18n';
import { queryClient, trpcClient } from './lib/prefetch';
import { AppRoutes, prefetchRoutes, preloadRoutes } from './router';

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element');

// The page's code, strings and data, started before anything renders (router.tsx): the entry
// has run, so the router would only start them a render later. A failed fetch is shown by the
// screen's render (router.tsx), which tries again.
const routesReady = preloadRoutes(window.location).catch(() => undefined);
prefetchRoutes(new URL(window.location.href));

// Immediate for Norwegian; for English, after its translations chunk (lib/i18n.ts).
void i18nReady.then(async () => {
  // A milestone for bench/web's waterfall: how long the entry took to get here.
  performance.mark('mg:render');
  const serverLanguage = container.dataset.ssr;
  const serverDrawn = serverLanguage !== undefined && container.firstChild !== null;
  // The server drew this page (decision 029): #root holds its HTML and says in which
  // language. Its screens' code is preloaded beside the entry; once it has run, the first
  // render is the page the server drew rather than a loading screen.
  if (serverDrawn) await routesReady;
  const app = (
    // The server's tree (entry-server.tsx) has an I18nextProvider around App for its
    // per-request instance; a one-child provider changes no element or id, so the browser
    // does without it (the global instance, and bytes on the first load).
    <StrictMode>
      <App queryClient={queryClient} trpcClient={trpcClient}>
        <BrowserRouter>
          <AppRoutes prefetch />
        </BrowserRouter>
      </App>
    </StrictMode>
  );
  // Hydrated when the server drew it in the language shown here; otherwise (the language
  // chosen in another tab since) drawn afresh over it: the same page, so nothing flashes.
  if (serverDrawn && serverLanguage === i18n.language) hydrateRoot(container, app);
  else createRoot(container).render(app);
});
