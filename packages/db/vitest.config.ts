import { defineConfig } from 'vitest/config';

// The oracle tests are CPU-bound; on a 2-core CI machine running other packages' suites at
// the same time they need more than vitest's default 5 s.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, setupFiles: ['./src/test-setup.ts'] },
});
