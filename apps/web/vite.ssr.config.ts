/**
 * The server's render of the first paint (decision 029): src/entry-server.tsx built for Node
 * into dist/server/entry-server.js, after the browser build (which empties dist/). Everything
 * is bundled into it (React, Mantine, the router), so the API needs none of the web's
 * packages at run time. The browser build's plugins, minus the precompression of its assets.
 */
import { mergeConfig, type Plugin, type PluginOption } from 'vite';
import base from './vite.config';

const isPrecompress = (plugin: PluginOption) =>
  typeof plugin === 'object' &&
  plugin !== null &&
  'name' in plugin &&
  plugin.name === 'mg-precompress';

/** Marks dist/server as ES modules wherever it is copied (Node reads the nearest package.json). */
const esmPackage: Plugin = {
  name: 'mg-ssr-esm-package',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'package.json', source: '{ "type": "module" }\n' });
  },
};

export default mergeConfig(
  {
    ...base,
    plugins: [...(base.plugins ?? []).filter((plugin) => !isPrecompress(plugin)), esmPackage],
  },
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
    // React's production build whatever NODE_ENV the server runs with (the bench and the e2e
    // start it without one): its development build renders several times slower.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  },
);
