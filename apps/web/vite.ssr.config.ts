/**
 * The server's render of the first paint (decision 025): src/entry-server.tsx built for Node
 * into dist/server/entry-server.js, after the browser build (which empties dist/). Everything
 * is bundled into it (React, Mantine, the router), so the API needs none of the web's
 * packages at run time. The browser build's plugins, minus the precompression of its assets.
 */
import { mergeConfig, type PluginOption } from 'vite';
import base from './vite.config';

const isPrecompress = (plugin: PluginOption) =>
  typeof plugin === 'object' &&
  plugin !== null &&
  'name' in plugin &&
  plugin.name === 'mg-precompress';

export default mergeConfig(
  { ...base, plugins: (base.plugins ?? []).filter((plugin) => !isPrecompress(plugin)) },
  {
    build: {
      ssr: 'src/entry-server.tsx',
      outDir: 'dist/server',
      emptyOutDir: true,
      manifest: false,
      copyPublicDir: false,
      sourcemap: true,
    },
    ssr: { noExternal: true, target: 'node' },
  },
);
