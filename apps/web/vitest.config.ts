import { defineConfig } from 'vitest/config';

// The web app's unit tests are plain TypeScript (formatting, locales, parsers): no bundler
// plugins needed, only the console guard.
export default defineConfig({ test: { setupFiles: ['../../packages/shared/src/test-setup.ts'] } });
