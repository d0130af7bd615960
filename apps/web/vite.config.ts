import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { appShellScrollClasses } from './build/app-shell-scroll-classes';
import { localeSections } from './build/locale-sections';
import { mantineCss } from './build/mantine-css';
import { precompress } from './build/precompress';

const api = 'http://localhost:3000';

export default defineConfig({
  plugins: [
    react(),
    appShellScrollClasses(),
    localeSections(fileURLToPath(new URL('./src/locales', import.meta.url))),
    mantineCss(),
    precompress(),
  ],
  resolve: {
    alias: [
      // Phone numbers are checked only by the server (the public intake form): see the file.
      {
        find: /^libphonenumber-js\/max$/,
        replacement: fileURLToPath(new URL('./src/lib/phone-server-only.ts', import.meta.url)),
      },
    ],
  },
  server: {
    port: 5173,
    proxy: {
      '/trpc': api,
      '/api': api,
      '/healthz': api,
      '/skjema': api,
      // Public pages the API renders: the policy (linked from leads) and unsubscribe.
      '/personvern': api,
      '/unsubscribe': api,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // bench/web and the first-load test follow the import graph from here.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Everything the entry imports statically in the entry's own file: rolldown would
          // otherwise cut it into a dozen shared chunks (whatever a lazy screen also uses),
          // each a request and compressed on its own. The same code, ~4 % fewer gzip bytes on
          // every first load (issue 11).
          groups: [{ name: 'entry', tags: ['$initial'] }],
        },
      },
    },
  },
});
