import { defineConfig } from 'vitest/config';

// The oracle tests are CPU-bound, and so is building their 2600 leads before them; on a
// 2-core CI machine running other packages' suites at the same time they need more than
// vitest's defaults (5 s a test, 10 s a hook).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['../shared/src/test-setup.ts', './src/test-setup.ts'],
  },
});
