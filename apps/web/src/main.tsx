import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import 'mantine-datatable/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { i18nReady } from './lib/i18n';

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element');

// Immediate for Norwegian; for English, after its translations chunk (lib/i18n.ts).
void i18nReady.then(() => {
  // A milestone for bench/web's waterfall: how long the entry took to get here.
  performance.mark('mg:render');
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
