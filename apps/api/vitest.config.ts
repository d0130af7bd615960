import { defineConfig } from 'vitest/config';

// Some suites are CPU-bound (argon2, oracle walks); on a 2-core CI machine running other packages' suites at
// the same time they need more than vitest's default 5 s.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    setupFiles: ['../../packages/shared/src/test-setup.ts', './test/setup.ts'],
  },
});
